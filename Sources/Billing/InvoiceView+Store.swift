import MeshProtocol
import MeshStore

extension InvoiceView {
    private static let columns = """
        id, company_id, number, period_start_ms, period_end_ms, status, total_cents, currency, issued_at_ms,
        due_at_ms, paid_at_ms
        """

    static func load(invoiceID: String, _ connection: Connection) throws -> InvoiceView? {
        let row = try connection.queryOne("SELECT \(columns) FROM invoices WHERE id = ?", [.text(invoiceID)])
        guard let row else {
            return nil
        }
        return try InvoiceView(row: row, connection)
    }

    /// Returns a company's invoices in number order, optionally only those with `status`: at most
    /// `limit` of them after number `afterSequence`, and the cursor of the next page when more follow.
    static func list(
        companyID: String, status: InvoiceStatus?, afterSequence: Int64 = 0, limit: Int = Int(Int32.max),
        _ connection: Connection
    ) throws -> (invoices: [InvoiceView], nextCursor: String?) {
        // Reading one row more than the page shows whether another page follows.
        let rows = try connection.query(
            """
            SELECT \(columns), sequence FROM invoices
            WHERE company_id = ?1 AND (?2 IS NULL OR status = ?2) AND sequence > ?3
            ORDER BY sequence LIMIT ?4
            """,
            [.text(companyID), SQLValue(status?.rawValue), .integer(afterSequence), .integer(Int64(limit) + 1)]
        )
        let page = rows.prefix(limit)
        let next = rows.count > limit ? page.last?.int("sequence").map { String($0) } : nil
        return (try page.map { try InvoiceView(row: $0, connection) }, next)
    }

    init(row: Row, _ connection: Connection) throws {
        let invoiceID = try row.requireString("id")
        let statusName = try row.requireString("status")
        guard let status = InvoiceStatus(rawValue: statusName) else {
            throw RPCError(
                .internal,
                "invoice \(invoiceID) has the unknown status '\(statusName)'; fix the row or restore the billing database from a backup"
            )
        }

        self.init(
            invoiceID: invoiceID,
            companyID: try row.requireString("company_id"),
            number: try row.requireString("number"),
            periodStartMs: try row.requireInt("period_start_ms"),
            periodEndMs: try row.requireInt("period_end_ms"),
            status: status,
            totalCents: try row.requireInt("total_cents"),
            currency: try row.requireString("currency"),
            issuedAtMs: try row.requireInt("issued_at_ms"),
            dueAtMs: try row.requireInt("due_at_ms"),
            paidAtMs: row.int("paid_at_ms"),
            lines: try LineView.lines(invoiceID: invoiceID, connection)
        )
    }
}
