import MeshStore

extension MessageView {
    /// Reads one page of a company's messages, newest first, after `beforeSeq` when given.
    ///
    /// Returns the page and the cursor of the next one (nil on the last page).
    static func page(
        companyID: String,
        beforeSeq: Int64?,
        limit: Int,
        in connection: Connection
    ) throws -> (messages: [MessageView], nextCursor: String?) {
        let rows = try connection.query(
            "SELECT \(columns) FROM messages WHERE company_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
            [.text(companyID), .integer(beforeSeq ?? Int64.max), .integer(Int64(limit) + 1)]
        )

        let pageRows = rows.prefix(limit)
        let messages = try pageRows.map(MessageView.init(row:))
        let nextCursor = rows.count > limit ? pageRows.last?.int("seq").map { String($0) } : nil
        return (messages, nextCursor)
    }

    static func load(_ messageID: String, in connection: Connection) throws -> MessageView? {
        try connection.queryOne("SELECT \(columns) FROM messages WHERE message_id = ?", [.text(messageID)])
            .map(MessageView.init(row:))
    }

    /// Reads every message of a company, oldest first.
    static func all(companyID: String, in connection: Connection) throws -> [MessageView] {
        try connection.query("SELECT \(columns) FROM messages WHERE company_id = ? ORDER BY seq", [.text(companyID)])
            .map(MessageView.init(row:))
    }
}
