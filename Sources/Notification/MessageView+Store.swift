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
        let page = try SeqPage.read(
            "SELECT \(columns) FROM messages WHERE company_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
            [.text(companyID)], beforeSeq: beforeSeq, limit: limit, in: connection, make: MessageView.init(row:)
        )
        return (page.items, page.nextCursor)
    }

    /// Reads a page of dead messages across companies, newest first. Deleted companies' messages are left
    /// out, since nothing is sent for them again.
    static func deadLetters(
        beforeSeq: Int64?,
        limit: Int,
        in connection: Connection
    ) throws -> (messages: [MessageView], nextCursor: String?) {
        let page = try SeqPage.read(
            """
            SELECT \(columns) FROM messages
            WHERE status = 'dead' AND company_id NOT IN (SELECT company_id FROM companies WHERE status = 'deleted')
                AND seq < ?
            ORDER BY seq DESC LIMIT ?
            """,
            [], beforeSeq: beforeSeq, limit: limit, in: connection, make: MessageView.init(row:)
        )
        return (page.items, page.nextCursor)
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
