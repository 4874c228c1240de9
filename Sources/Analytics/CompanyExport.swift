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
        let id: [SQLValue] = [.text(companyID)]
        func rows(_ sql: String) throws -> [JSONValue] {
            try connection.query(sql, id).map(json)
        }

        let company = try connection.queryOne("SELECT * FROM companies WHERE id = ?", id).map(json)
        let events = try connection.query(
            "SELECT event_id, topic, at_ms, payload FROM events WHERE company_id = ? ORDER BY seq", id
        ).map { row in
            var members = json(row).objectValue ?? [:]
            members["payload"] = row.string("payload").flatMap { try? JSONParser.parse($0) } ?? .null
            return JSONValue.object(members)
        }

        return CompanyExport(
            companyID: companyID,
            exportedAtMs: nowMs,
            company: company,
            users: try rows("SELECT * FROM users WHERE company_id = ? ORDER BY user_id"),
            teams: try rows("SELECT * FROM teams WHERE company_id = ? ORDER BY team_id"),
            teamMembers: try rows("SELECT * FROM team_members WHERE company_id = ? ORDER BY team_id, user_id"),
            issues: try rows("SELECT * FROM issues WHERE company_id = ? ORDER BY issue_id"),
            resolutions: try rows("SELECT * FROM resolutions WHERE company_id = ? ORDER BY resolved_at_ms, issue_id"),
            daily: try rows("SELECT * FROM daily WHERE company_id = ? ORDER BY day"),
            dailyActiveUsers: try rows("SELECT * FROM daily_active_users WHERE company_id = ? ORDER BY day, user_id"),
            apiUsage: try rows("SELECT * FROM api_usage WHERE company_id = ? ORDER BY day"),
            tierHistory: try rows("SELECT * FROM tier_history WHERE company_id = ? ORDER BY at_ms"),
            events: events
        )
    }

    /// Converts a row to a JSON object keyed by column name.
    static func json(_ row: Row) -> JSONValue {
        var members: [String: JSONValue] = [:]
        for column in row.columnNames {
            switch row[column] {
            case .null:
                members[column] = .null
            case .integer(let value):
                members[column] = .int(value)
            case .real(let value):
                members[column] = .double(value)
            case .text(let value):
                members[column] = .string(value)
            case .blob(let bytes):
                members[column] = .string(Data(bytes).base64EncodedString())
            }
        }
        return .object(members)
    }
}
