import MeshProtocol
import MeshStore

extension LineView {
    /// Returns an invoice's lines: the subscription charge first, then items in the order they arose,
    /// and a carried-forward credit last.
    static func lines(invoiceID: String, _ connection: Connection) throws -> [LineView] {
        try connection.query(
            """
            SELECT kind, description, amount_cents FROM line_items WHERE invoice_id = ?
            ORDER BY CASE kind WHEN 'subscription' THEN 0 WHEN 'credit_carried_forward' THEN 2 ELSE 1 END, seq
            """,
            [.text(invoiceID)]
        ).map(LineView.init(row:))
    }

    /// Returns the items of a subscription not yet on an invoice, oldest first.
    static func pending(subscriptionID: String, _ connection: Connection) throws -> [LineView] {
        try connection.query(
            """
            SELECT kind, description, amount_cents FROM line_items
            WHERE subscription_id = ? AND invoice_id IS NULL ORDER BY seq
            """,
            [.text(subscriptionID)]
        ).map(LineView.init(row:))
    }

    init(row: Row) throws {
        let kindName = try row.requireString("kind")
        guard let kind = LineKind(rawValue: kindName) else {
            throw RPCError(
                .internal,
                "a stored line item has the unknown kind '\(kindName)'; fix the row or restore the billing database from a backup"
            )
        }
        self.init(
            kind: kind,
            description: try row.requireString("description"),
            amountCents: try row.requireInt("amount_cents")
        )
    }
}
