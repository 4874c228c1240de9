import MeshProtocol
import MeshStore

extension Issue {
    static let columns = """
        id, company_id, number, key, title, description, type, priority, status, assignee_id, team_id, \
        custom_fields, created_at_ms, updated_at_ms, resolved_at_ms
        """

    /// Reads live issue `id` of company `companyID`. A deleted issue or another company's is NOT_FOUND.
    static func load(_ id: String, companyID: String, in connection: Connection) throws -> Issue {
        let row = try connection.queryOne(
            "SELECT \(columns) FROM issues WHERE id = ? AND company_id = ? AND deleted_at_ms IS NULL",
            [.text(id), .text(companyID)]
        )
        guard let row else {
            throw RPCError.notFound("issue", id)
        }
        return try Issue(row: row)
    }

    /// Reads the live issue with key `key` of company `companyID`, or throws NOT_FOUND.
    static func load(key: IssueKey, companyID: String, in connection: Connection) throws -> Issue {
        let row = try connection.queryOne(
            "SELECT \(columns) FROM issues WHERE company_id = ? AND number = ? AND deleted_at_ms IS NULL",
            [.text(companyID), .integer(key.number)]
        )
        // The number selects the row within the company, and the prefix must match as well, so a key
        // with another company's prefix (OTHER-7) is not found even when this company has issue 7.
        guard let row, try row.requireString("key").uppercased() == key.text.uppercased() else {
            throw RPCError.notFound("issue", key.text)
        }
        return try Issue(row: row)
    }

    /// Counts the company's issues that are not deleted.
    static func liveCount(companyID: String, in connection: Connection) throws -> Int64 {
        try connection.scalarInt(
            "SELECT COUNT(*) FROM issues WHERE company_id = ? AND deleted_at_ms IS NULL",
            [.text(companyID)]
        ) ?? 0
    }

    /// Hands out the company's next issue number, which no issue, deleted or not, has had before.
    ///
    /// Call it inside the write that inserts the issue, so the counter and the issue commit together.
    static func nextNumber(companyID: String, in connection: Connection) throws -> Int64 {
        // Once the company has a counter, one statement moves it: this runs for every create.
        let advanced = try connection.queryOne(
            "UPDATE issue_counters SET last_number = last_number + 1 WHERE company_id = ? RETURNING last_number",
            [.text(companyID)]
        )
        if let advanced {
            return try advanced.requireInt("last_number")
        }

        // The first number starts after the highest in use, so rows inserted without the counter
        // (imports, repairs) never collide with it.
        let highest =
            try connection.scalarInt(
                "SELECT MAX(number) FROM issues WHERE company_id = ?",
                [.text(companyID)]
            ) ?? 0
        try connection.execute(
            "INSERT INTO issue_counters (company_id, last_number) VALUES (?, ?)",
            [.text(companyID), .integer(highest + 1)]
        )
        return highest + 1
    }

    func insert(in connection: Connection) throws {
        try connection.execute(
            """
            INSERT INTO issues (id, company_id, number, key, title, description, type, priority, status,
                assignee_id, team_id, custom_fields, created_at_ms, updated_at_ms, resolved_at_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(id), .text(companyID), .integer(number), .text(key), .text(title), .text(description),
                .text(type), .text(priority), .text(status), SQLValue(assigneeID), SQLValue(teamID),
                .text(customFieldsText), .integer(createdAtMs), .integer(updatedAtMs), SQLValue(resolvedAtMs),
            ]
        )
    }

    /// Writes every mutable column of this issue over its stored row.
    func save(in connection: Connection) throws {
        try connection.execute(
            """
            UPDATE issues SET title = ?, description = ?, type = ?, priority = ?, status = ?, assignee_id = ?,
                team_id = ?, custom_fields = ?, updated_at_ms = ?, resolved_at_ms = ?
            WHERE id = ? AND company_id = ?
            """,
            [
                .text(title), .text(description), .text(type), .text(priority), .text(status), SQLValue(assigneeID),
                SQLValue(teamID), .text(customFieldsText), .integer(updatedAtMs), SQLValue(resolvedAtMs),
                .text(id), .text(companyID),
            ]
        )
    }

    /// Marks the issue deleted at `atMs`. The row stays stored, but every method reports it NOT_FOUND.
    func markDeleted(atMs: Int64, in connection: Connection) throws {
        try connection.execute(
            "UPDATE issues SET deleted_at_ms = ?, updated_at_ms = ? WHERE id = ? AND company_id = ?",
            [.integer(atMs), .integer(atMs), .text(id), .text(companyID)]
        )
    }

    private var customFieldsText: String {
        JSONWriter.string(.object(customFields))
    }

    init(row: Row) throws {
        id = try row.requireString("id")
        companyID = try row.requireString("company_id")
        number = try row.requireInt("number")
        key = try row.requireString("key")
        title = try row.requireString("title")
        description = try row.requireString("description")
        type = try row.requireString("type")
        priority = try row.requireString("priority")
        status = try row.requireString("status")
        assigneeID = row.string("assignee_id")
        teamID = row.string("team_id")
        createdAtMs = try row.requireInt("created_at_ms")
        updatedAtMs = try row.requireInt("updated_at_ms")
        resolvedAtMs = row.int("resolved_at_ms")

        let text = try row.requireString("custom_fields")
        guard let fields = try? JSONParser.parse(text).objectValue else {
            throw RPCError(
                .internal,
                "issue \(id) stores custom_fields that are not a JSON object; repair the issues row"
            )
        }
        customFields = fields
    }
}
