import MeshStore

extension BillingLedger {
    /// The maximum number of invoices one pass issues, which keeps the write transaction short after a
    /// long clock jump over many companies. The next pass continues where this one stopped.
    static let cycleBudget = 500

    /// Invoices every period that ended by now, marks overdue invoices past due, and reports both.
    func runCycle(budget: Int = BillingLedger.cycleBudget) throws -> CycleReport {
        let due = try connection.query(
            """
            SELECT company_id FROM subscriptions
            WHERE status IN ('active', 'suspended') AND current_period_end_ms <= ?
            ORDER BY current_period_end_ms, id
            """,
            [.integer(nowMs)]
        )

        var invoiceIDs: [String] = []
        for row in due where invoiceIDs.count < budget {
            let companyID = try row.requireString("company_id")
            guard var subscription = try SubscriptionRecord.load(companyID: companyID, connection) else {
                continue
            }
            invoiceIDs += try closePeriods(&subscription, endedBy: nowMs, budget: budget - invoiceIDs.count)
            try subscription.save(connection)
        }

        let pastDue = try markPastDue()
        let remaining =
            try connection.scalarInt(
                """
                SELECT COUNT(*) FROM subscriptions
                WHERE status IN ('active', 'suspended') AND current_period_end_ms <= ?
                """,
                [.integer(nowMs)]
            ) ?? 0

        return CycleReport(
            ranAtMs: nowMs,
            generated: try invoiceIDs.compactMap { try InvoiceView.load(invoiceID: $0, connection) },
            markedPastDue: pastDue,
            complete: remaining == 0
        )
    }
}
