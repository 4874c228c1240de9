import MeshStore

/// The usage a company has of its tier's limits, counted from stored rows.
struct CompanyUsage: Codable, Sendable, Hashable {
    /// Invited plus active users: both hold a seat.
    var users: Int
    /// Issues that are not deleted.
    var issues: Int

    static func measure(_ companyID: String, in connection: Connection) throws -> CompanyUsage {
        CompanyUsage(users: try seats(companyID, in: connection), issues: try issues(companyID, in: connection))
    }

    static func seats(_ companyID: String, in connection: Connection) throws -> Int {
        let count = try connection.scalarInt(
            "SELECT COUNT(*) FROM users WHERE company_id = ? AND status IN ('invited', 'active')",
            [.text(companyID)]
        )
        return Int(count ?? 0)
    }

    static func issues(_ companyID: String, in connection: Connection) throws -> Int {
        guard try hasIssuesTable(connection) else {
            return 0
        }
        let count = try connection.scalarInt(
            "SELECT COUNT(*) FROM issues WHERE company_id = ? AND deleted_at_ms IS NULL",
            [.text(companyID)]
        )
        return Int(count ?? 0)
    }

    /// Open issues per status name, for refusing to remove a status that is still in use.
    static func issuesByStatus(_ companyID: String, in connection: Connection) throws -> [String: Int] {
        guard try hasIssuesTable(connection) else {
            return [:]
        }
        let rows = try connection.query(
            "SELECT status, COUNT(*) AS count FROM issues WHERE company_id = ? AND deleted_at_ms IS NULL GROUP BY status",
            [.text(companyID)]
        )
        var counts: [String: Int] = [:]
        for row in rows {
            counts[try row.requireString("status")] = Int(try row.requireInt("count"))
        }
        return counts
    }

    /// Reports whether the issues table exists. It comes with the workspace migrations, and without it
    /// a company has no issues.
    static func hasIssuesTable(_ connection: Connection) throws -> Bool {
        try connection.queryOne("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'issues'") != nil
    }
}
