import MeshProtocol
import MeshRuntime
import MeshStore

extension Team {
    /// Reads team `id` of company `companyID`, or throws NOT_FOUND when the company has no such team.
    static func load(_ id: String, companyID: String, in connection: Connection) throws -> Team {
        guard
            let row = try connection.queryOne(
                "SELECT id, company_id, name, created_at_ms FROM teams WHERE id = ? AND company_id = ?",
                [.text(id), .text(companyID)]
            )
        else {
            throw RPCError.notFound("team", id)
        }
        return try Team(row: row, memberIDs: memberIDs(of: id, in: connection))
    }

    /// Reads a page of company `companyID`'s teams with their members, ordered by name, after the team
    /// `cursor` names (the last of the previous page).
    ///
    /// Teams are never renamed or deleted, so the cursor's team always gives its place in the order. A
    /// page ends early, with at least one team, once its teams take about `PageBudget.bytes(for:)` as JSON.
    static func page(companyID: String, after cursor: String?, limit: Int, in connection: Connection) throws
        -> TeamList
    {
        var after: (name: String, id: String) = ("", "")
        if let cursor {
            guard
                let row = try connection.queryOne(
                    "SELECT name FROM teams WHERE id = ? AND company_id = ?", [.text(cursor), .text(companyID)]),
                let name = row.string("name")
            else {
                throw RPCError.invalidArgument(
                    field: "cursor",
                    "cursor '\(cursor.clipped(to: 40))' is not one teams.list returned for this company; pass "
                        + "next_cursor from the previous page, or omit it for the first page")
            }
            after = (name, cursor)
        }

        let rows = try connection.query(
            """
            SELECT id, company_id, name, created_at_ms FROM teams
            WHERE company_id = ? AND (? IS NULL OR name COLLATE NOCASE > ? OR (name COLLATE NOCASE = ? AND id > ?))
            ORDER BY name COLLATE NOCASE, id LIMIT ?
            """,
            [
                .text(companyID), cursor == nil ? .null : .text(after.name), .text(after.name), .text(after.name),
                .text(after.id), .integer(Int64(limit + 1)),
            ]
        )

        var teams: [Team] = []
        var size = 0
        let budget = PageBudget.bytes(for: connection)
        for row in rows.prefix(limit) {
            let team = try Team(row: row, memberIDs: memberIDs(of: try row.requireString("id"), in: connection))
            size += 256 + PageBudget.escapedSize(team.name) + team.memberIDs.reduce(0) { $0 + $1.utf8.count + 3 }
            guard teams.isEmpty || size <= budget else {
                break
            }
            teams.append(team)
        }

        let total = try connection.scalarInt("SELECT count(*) FROM teams WHERE company_id = ?", [.text(companyID)]) ?? 0
        let more = rows.count > teams.count
        return TeamList(teams: teams, count: Int(total), nextCursor: more ? teams.last?.id : nil)
    }

    /// Returns the name of company `companyID`'s team that `name` matches, if any.
    ///
    /// The comparison ignores case in every script and treats canonically equivalent spellings (é as one
    /// code point or as e plus a combining accent) as the same name. SQLite's NOCASE folds ASCII only, so
    /// the names are compared here; the store's single writer keeps the check and the insert together.
    static func named(_ name: String, companyID: String, in connection: Connection) throws -> String? {
        let folded = name.caseFolded
        return try connection.query("SELECT name FROM teams WHERE company_id = ?", [.text(companyID)])
            .compactMap { $0.string("name") }
            .first { $0.caseFolded == folded }
    }

    func insert(in connection: Connection) throws {
        try connection.execute(
            "INSERT INTO teams (id, company_id, name, created_at_ms) VALUES (?, ?, ?, ?)",
            [.text(id), .text(companyID), .text(name), .integer(createdAtMs)]
        )
    }

    private static func memberIDs(of teamID: String, in connection: Connection) throws -> [String] {
        try connection.query("SELECT user_id FROM team_members WHERE team_id = ? ORDER BY user_id", [.text(teamID)])
            .map { try $0.requireString("user_id") }
    }

    /// The company's teams for its data export, with their member ids, in the order they were created.
    static let exportList = ExportList(
        ["workspace", "teams"],
        select: """
            SELECT id, company_id, name, created_at_ms,
                (SELECT group_concat(user_id, ',') FROM (
                    SELECT user_id FROM team_members WHERE team_id = teams.id ORDER BY user_id)) AS member_ids
            FROM teams
            """,
        key: ["created_at_ms", "id"]
    ) { row in
        // User ids are `usr_` and hex digits, so a comma never occurs in one.
        let members = row.string("member_ids")?.split(separator: ",").map(String.init) ?? []
        return try Team(row: row, memberIDs: members).json
    }

    private init(row: Row, memberIDs: [String]) throws {
        self.init(
            id: try row.requireString("id"),
            companyID: try row.requireString("company_id"),
            name: try row.requireString("name"),
            createdAtMs: try row.requireInt("created_at_ms"),
            memberIDs: memberIDs
        )
    }
}
