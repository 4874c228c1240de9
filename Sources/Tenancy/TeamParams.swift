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
    /// Teams per page, 1 to 200, or 50 when absent.
    var limit: Int?
    /// `next_cursor` of the previous page: the id of its last team.
    var cursor: String?

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case limit
        case cursor
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
    /// The number of teams the company has, on every page.
    var count: Int
    /// The cursor of the next page; absent on the last page, as in every list.
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case teams
        case count
        case nextCursor = "next_cursor"
    }
}
