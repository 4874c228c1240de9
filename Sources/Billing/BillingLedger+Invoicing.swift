import MeshStore

extension BillingLedger {
    /// Invoices every period of `subscription` that ended by `limitMs` (at most `budget` of them), oldest
    /// first, and returns the new invoices' ids.
    ///
    /// The subscription advances past each period. The caller saves it afterwards, in the same transaction.
    func closePeriods(
        _ subscription: inout SubscriptionRecord,
        endedBy limitMs: Int64,
        budget: Int = .max
    ) throws -> [String] {
        var invoiceIDs: [String] = []
        while subscription.status != .canceled, subscription.periodEndMs <= limitMs, invoiceIDs.count < budget {
            if let invoiceID = try issueInvoice(subscription, periodEndMs: subscription.periodEndMs) {
                invoiceIDs.append(invoiceID)
            }
            subscription.advancePeriod()
            subscription.updatedAtMs = nowMs
        }
        return invoiceIDs
    }

    /// Issues the invoice of the subscription's current period and returns its id, or nil when that
    /// period already has an invoice.
    ///
    /// `periodEndMs` is the scheduled end, or the cancellation time for a final invoice. The lines are
    /// the period's subscription charge at its opening rate, then every pending item. The invoice is
    /// dated at the period end and due 14 days later. A total of zero needs no payment, so it is created
    /// paid. A negative total is brought to zero and the credit moves to the next invoice, except on a
    /// `final` invoice, which has no next one: there it stays negative, a refund owed to the company.
    func issueInvoice(_ subscription: SubscriptionRecord, periodEndMs: Int64, final: Bool = false) throws -> String? {
        let invoiceID = Identifier.make(prefix: "inv")
        let sequence =
            try connection.scalarInt(
                "SELECT COALESCE(MAX(sequence), 0) + 1 FROM invoices WHERE company_id = ?",
                [.text(subscription.companyID)]
            ) ?? 1
        let number = "INV-\(subscription.keyPrefix ?? subscription.companyID)-\(CivilDate.padded(sequence, width: 4))"

        // UNIQUE (subscription_id, period_start_ms) makes a second invoice for a period impossible.
        try connection.execute(
            """
            INSERT INTO invoices (
                id, subscription_id, company_id, sequence, number, period_start_ms, period_end_ms, currency,
                total_cents, status, issued_at_ms, due_at_ms, created_at_ms
            ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 'open', ?, ?, ?)
            ON CONFLICT (subscription_id, period_start_ms) DO NOTHING
            """,
            [
                .text(invoiceID), .text(subscription.id), .text(subscription.companyID), .integer(sequence),
                .text(number), .integer(subscription.periodStartMs), .integer(periodEndMs),
                .text(SubscriptionRecord.currency), .integer(periodEndMs), .integer(periodEndMs + Self.paymentTermMs),
                .integer(nowMs),
            ]
        )
        guard connection.changes == 1 else {
            return nil
        }

        try insertLine(
            subscription,
            invoiceID: invoiceID,
            kind: .subscription,
            description: subscriptionLineDescription(subscription),
            amountCents: subscription.periodRateCents,
            periodStartMs: subscription.periodStartMs,
            historySeq: nil
        )
        try connection.execute(
            "UPDATE line_items SET invoice_id = ? WHERE subscription_id = ? AND invoice_id IS NULL",
            [.text(invoiceID), .text(subscription.id)]
        )

        try settleTotal(subscription, invoiceID: invoiceID, issuedAtMs: periodEndMs, final: final)
        return invoiceID
    }

    /// Sums the invoice's lines into its total and sets its status from it.
    private func settleTotal(
        _ subscription: SubscriptionRecord,
        invoiceID: String,
        issuedAtMs: Int64,
        final: Bool
    ) throws {
        var total = try lineTotal(invoiceID)

        if total < 0 && !final {
            let credit = -total
            try insertLine(
                subscription, invoiceID: invoiceID, kind: .creditCarriedForward,
                description: "Credit of \(credit) cents moved to the next invoice", amountCents: credit,
                periodStartMs: nil, historySeq: nil
            )
            try addPendingItem(
                subscription, kind: .creditBroughtForward,
                description: "Credit brought forward from the invoice of \(subscription.currentPeriod)",
                amountCents: -credit, periodStartMs: nil, historySeq: nil
            )
            total = try lineTotal(invoiceID)
        }

        let settled = total == 0
        try connection.execute(
            "UPDATE invoices SET total_cents = ?, status = ?, paid_at_ms = ? WHERE id = ?",
            [
                .integer(total), .text(settled ? InvoiceStatus.paid.rawValue : InvoiceStatus.open.rawValue),
                settled ? .integer(issuedAtMs) : .null, .text(invoiceID),
            ]
        )
    }

    private func lineTotal(_ invoiceID: String) throws -> Int64 {
        try connection.scalarInt(
            "SELECT COALESCE(SUM(amount_cents), 0) FROM line_items WHERE invoice_id = ?",
            [.text(invoiceID)]
        ) ?? 0
    }

    private func subscriptionLineDescription(_ subscription: SubscriptionRecord) -> String {
        let text = "\(subscription.periodTier.displayName) plan, \(subscription.currentPeriod)"
        if subscription.periodRateCents == 0 {
            return text + " (suspended when the period began)"
        }
        return text
    }

    /// Marks open invoices whose due date has passed as past due; returns their ids. A refund (an open
    /// final invoice below zero) is owed by the platform, not the company, so it never becomes past due.
    func markPastDue() throws -> [String] {
        let rows = try connection.query(
            "SELECT id FROM invoices WHERE status = 'open' AND total_cents > 0 AND due_at_ms < ? ORDER BY due_at_ms, id",
            [.integer(nowMs)]
        )
        try connection.execute(
            "UPDATE invoices SET status = 'past_due' WHERE status = 'open' AND total_cents > 0 AND due_at_ms < ?",
            [.integer(nowMs)]
        )
        return try rows.map { try $0.requireString("id") }
    }
}
