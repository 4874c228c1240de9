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

    /// Reads every team of company `companyID` with its members, ordered by name.
    static func list(companyID: String, in connection: Connection) throws -> [Team] {
        let rows = try connection.query(
            "SELECT id, company_id, name, created_at_ms FROM teams WHERE company_id = ? ORDER BY name COLLATE NOCASE, id",
            [.text(companyID)]
        )
        let memberRows = try connection.query(
            """
            SELECT m.team_id, m.user_id FROM team_members m JOIN teams t ON t.id = m.team_id
            WHERE t.company_id = ? ORDER BY m.user_id
            """,
            [.text(companyID)]
        )

        var members: [String: [String]] = [:]
        for row in memberRows {
            members[try row.requireString("team_id"), default: []].append(try row.requireString("user_id"))
        }
        return try rows.map { row in
            try Team(row: row, memberIDs: members[try row.requireString("id")] ?? [])
        }
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
