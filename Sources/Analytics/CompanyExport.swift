import Foundation
import MeshProtocol
import MeshRuntime
import MeshStore

/// Every row analytics stores about one company, for the company's data export.
///
/// Rows are JSON objects with the table's column names as members. Event payloads are parsed back into
/// JSON, and their invitation tokens were never stored.
public struct CompanyExport: Codable, Sendable, MemberSchemaProviding {
    public var companyID: String
    public var exportedAtMs: Int64
    /// The companies row, or nil when only events of the company have arrived.
    public var company: JSONValue?
    public var users: [JSONValue]
    public var teams: [JSONValue]
    public var teamMembers: [JSONValue]
    public var issues: [JSONValue]
    public var resolutions: [JSONValue]
    public var daily: [JSONValue]
    public var dailyActiveUsers: [JSONValue]
    public var apiUsage: [JSONValue]
    public var tierHistory: [JSONValue]
    /// The event log, oldest first.
    public var events: [JSONValue]

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case exportedAtMs = "exported_at_ms"
        case company
        case users
        case teams
        case teamMembers = "team_members"
        case issues
        case resolutions
        case daily
        case dailyActiveUsers = "daily_active_users"
        case apiUsage = "api_usage"
        case tierHistory = "tier_history"
        case events
    }

    /// Rows are objects named by their table's columns, and `company` is the companies row.
    public static var memberSchemas: [String: JSONValue] {
        let rows: JSONValue = ["type": "array", "items": ["type": "object"]]
        var schemas: [String: JSONValue] = [CodingKeys.company.rawValue: ["type": "object"]]
        for key in [
            CodingKeys.users, .teams, .teamMembers, .issues, .resolutions, .daily, .dailyActiveUsers, .apiUsage,
            .tierHistory, .events,
        ] {
            schemas[key.rawValue] = rows
        }
        return schemas
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(companyID, forKey: .companyID)
        try container.encode(exportedAtMs, forKey: .exportedAtMs)
        try container.encodeOrNull(company, forKey: .company)
        try container.encode(users, forKey: .users)
        try container.encode(teams, forKey: .teams)
        try container.encode(teamMembers, forKey: .teamMembers)
        try container.encode(issues, forKey: .issues)
        try container.encode(resolutions, forKey: .resolutions)
        try container.encode(daily, forKey: .daily)
        try container.encode(dailyActiveUsers, forKey: .dailyActiveUsers)
        try container.encode(apiUsage, forKey: .apiUsage)
        try container.encode(tierHistory, forKey: .tierHistory)
        try container.encode(events, forKey: .events)
    }
}

extension CompanyExport {
    /// Reads the company's rows. A company analytics has not heard of yet (its first events are still on
    /// the way) has none: the lists are empty and `company` is null, matching the billing and notification exports.
    static func load(_ connection: Connection, companyID: String, nowMs: Int64) throws -> CompanyExport {
        func rows(_ list: ExportList) throws -> [JSONValue] {
            try list.all(companyID: companyID, connection)
        }

        return CompanyExport(
            companyID: companyID,
            exportedAtMs: nowMs,
            company: try company(companyID, connection),
            users: try rows(Lists.users),
            teams: try rows(Lists.teams),
            teamMembers: try rows(Lists.teamMembers),
            issues: try rows(Lists.issues),
            resolutions: try rows(Lists.resolutions),
            daily: try rows(Lists.daily),
            dailyActiveUsers: try rows(Lists.dailyActiveUsers),
            apiUsage: try rows(Lists.apiUsage),
            tierHistory: try rows(Lists.tierHistory),
            events: try rows(Lists.events)
        )
    }

    /// Returns the plan of the same rows for an export in pages: the company row first, then the lists.
    static func plan(companyID: String, nowMs: Int64) -> ExportPlan {
        ExportPlan(
            head: { connection in
                [
                    CodingKeys.companyID.rawValue: .string(companyID),
                    CodingKeys.exportedAtMs.rawValue: .int(nowMs),
                    CodingKeys.company.rawValue: try company(companyID, connection) ?? .null,
                ]
            },
            lists: [
                Lists.users, Lists.teams, Lists.teamMembers, Lists.issues, Lists.resolutions, Lists.daily,
                Lists.dailyActiveUsers, Lists.apiUsage, Lists.tierHistory, Lists.events,
            ]
        )
    }

    private static func company(_ companyID: String, _ connection: Connection) throws -> JSONValue? {
        try connection.queryOne("SELECT * FROM companies WHERE id = ?", [.text(companyID)]).map(ExportList.columns)
    }

    /// Each table's rows, named by their columns, in the order of a key unique within the company.
    enum Lists {
        static let users = list(.users, "users", key: ["user_id"])
        static let teams = list(.teams, "teams", key: ["team_id"])
        static let teamMembers = list(.teamMembers, "team_members", key: ["team_id", "user_id"])
        static let issues = list(.issues, "issues", key: ["issue_id"])
        static let resolutions = list(
            .resolutions, "resolutions", key: ["resolved_at_ms", "issue_id", "resolution_key"])
        static let daily = list(.daily, "daily", key: ["day"])
        static let dailyActiveUsers = list(.dailyActiveUsers, "daily_active_users", key: ["day", "user_id"])
        static let apiUsage = list(.apiUsage, "api_usage", key: ["day"])
        static let tierHistory = list(.tierHistory, "tier_history", key: ["at_ms", "to_tier"])
        /// The event log, oldest first, with each payload parsed back into JSON.
        static let events = ExportList(
            [CodingKeys.events.rawValue], select: "SELECT seq, event_id, topic, at_ms, payload FROM events",
            key: ["seq"]
        ) { row in
            var members = ExportList.columns(row).objectValue ?? [:]
            members["seq"] = nil
            members["payload"] = row.string("payload").flatMap { try? JSONParser.parse($0) } ?? .null
            return .object(members)
        }

        private static func list(_ member: CodingKeys, _ table: String, key: [String]) -> ExportList {
            ExportList([member.rawValue], select: "SELECT * FROM \(table)", key: key)
        }
    }
}
