import MeshStore

/// The usage a company has of its tier's limits, counted from stored rows.
struct CompanyUsage: Codable, Sendable, Hashable {
    /// Active users plus invited users whose invitation has not expired: each takes a seat.
    var users: Int
    /// Issues that are not deleted.
    var issues: Int

    static func measure(_ companyID: String, atMs now: Int64, in connection: Connection) throws -> CompanyUsage {
        CompanyUsage(
            users: try seats(companyID, atMs: now, in: connection), issues: try issues(companyID, in: connection))
    }

    /// Counts the seats in use at `now`. An invited user whose invitations have all expired or been
    /// replaced takes none, so a forgotten invitation frees its seat after 7 days.
    static func seats(_ companyID: String, atMs now: Int64, in connection: Connection) throws -> Int {
        let count = try connection.scalarInt(
            """
            SELECT COUNT(*) FROM users AS u
            WHERE u.company_id = ? AND (
                u.status = 'active'
                OR (u.status = 'invited' AND EXISTS (
                    SELECT 1 FROM invitations AS i
                    WHERE i.user_id = u.id AND i.used_at_ms IS NULL AND i.expires_at_ms > ?
                ))
            )
            """,
            [.text(companyID), .integer(now)]
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
