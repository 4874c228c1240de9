import MeshProtocol

/// Params of `analytics.companyReport`.
public struct CompanyReportParams: Codable, Sendable {
    public var companyID: String
    /// Days the report covers, ending today (UTC). Defaults to the tier's reporting history (90 when the
    /// tier's history is unlimited) and is capped by it.
    public var days: Int?
    /// The maximum number of teams the report lists, 1 to 1,000; 1,000 when absent.
    public var teamsLimit: Int?
    /// The `teams_next_cursor` of an earlier report, to list the teams after it.
    public var teamsCursor: String?

    public init(companyID: String, days: Int? = nil, teamsLimit: Int? = nil, teamsCursor: String? = nil) {
        self.companyID = companyID
        self.days = days
        self.teamsLimit = teamsLimit
        self.teamsCursor = teamsCursor
    }

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case days
        case teamsLimit = "teams_limit"
        case teamsCursor = "teams_cursor"
    }

    /// The default and maximum teams per report: about 200 KB of team figures, so the whole report stays
    /// well under the frame limit.
    static let maximumTeams = 1_000

    /// Returns `teams_limit`, or throws INVALID_ARGUMENT when it is out of range. Only a report with
    /// teams (`pagesTeams`) points to `teams_cursor` for more of them.
    func validTeamsLimit(pagesTeams: Bool) throws -> Int {
        guard let teamsLimit else {
            return Self.maximumTeams
        }
        guard (1...Self.maximumTeams).contains(teamsLimit) else {
            let paging = pagesTeams ? "; page through more teams with teams_cursor" : ""
            throw RPCError.invalidArgument(
                field: CodingKeys.teamsLimit.rawValue,
                "teams_limit must be 1 to \(Self.maximumTeams), not \(teamsLimit)\(paging)"
            )
        }
        return teamsLimit
    }
}

/// Params of `analytics.export`.
public struct CompanyExportParams: Codable, Sendable {
    public var companyID: String

    public init(companyID: String) {
        self.companyID = companyID
    }

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
    }
}
