/// Params of `teams.create`.
struct TeamCreateParams: Codable, Sendable {
    var companyID: String
    /// 1 to 100 characters once surrounding spaces are trimmed; unique per company, ignoring case.
    var name: String

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case name
    }
}

/// Params of `teams.list`.
struct TeamListParams: Codable, Sendable {
    var companyID: String

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
    }
}

/// Params of `teams.addMember` and `teams.removeMember`.
struct TeamMemberParams: Codable, Sendable {
    var companyID: String
    var teamID: String
    var userID: String

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case teamID = "team_id"
        case userID = "user_id"
    }
}

/// Result of `teams.list`.
struct TeamList: Codable, Sendable {
    var teams: [Team]
    var count: Int
}
