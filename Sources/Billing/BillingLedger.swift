import MeshStore
import TenantModel

/// Billing's writes, all inside the caller's write transaction: history rows, pending items, rate
/// changes with their prorations, and invoices.
///
/// Every amount is derived from the subscription row and the calendar, and every total from stored
/// line items, so the tables alone explain each figure.
struct BillingLedger {
    let connection: Connection
    /// The mesh clock when the write runs, stored as the creation time of new rows.
    let nowMs: Int64

    /// Invoices are due this long after they are issued (14 days).
    static let paymentTermMs: Int64 = 14 * CivilDate.millisecondsPerDay

    /// Appends a history row and returns its sequence number.
    func recordHistory(
        _ subscription: SubscriptionRecord,
        kind: HistoryKind,
        fromTier: Tier? = nil,
        toTier: Tier? = nil,
        fromStatus: SubscriptionStatus? = nil,
        toStatus: SubscriptionStatus? = nil,
        atMs: Int64,
        eventID: String
    ) throws -> Int64 {
        try connection.execute(
            """
            INSERT INTO subscription_history (
                subscription_id, company_id, kind, from_tier, to_tier, from_status, to_status, at_ms, event_id,
                recorded_at_ms
            ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(subscription.id), .text(subscription.companyID), .text(kind.rawValue),
                SQLValue(fromTier?.rawValue), SQLValue(toTier?.rawValue), SQLValue(fromStatus?.rawValue),
                SQLValue(toStatus?.rawValue), .integer(atMs), .text(eventID), .integer(nowMs),
            ]
        )
        return connection.lastInsertRowID
    }

    /// Returns the time of the latest change in the subscription's history, or nil before any.
    func latestChangeMs(_ subscription: SubscriptionRecord) throws -> Int64? {
        try connection.scalarInt(
            "SELECT MAX(at_ms) FROM subscription_history WHERE company_id = ?", [.text(subscription.companyID)])
    }

    /// Adds an item that waits, without an invoice, for the subscription's next invoice.
    func addPendingItem(
        _ subscription: SubscriptionRecord,
        kind: LineKind,
        description: String,
        amountCents: Int64,
        periodStartMs: Int64?,
        historySeq: Int64?
    ) throws {
        try insertLine(
            subscription, invoiceID: nil, kind: kind, description: description, amountCents: amountCents,
            periodStartMs: periodStartMs, historySeq: historySeq
        )
    }

    func insertLine(
        _ subscription: SubscriptionRecord,
        invoiceID: String?,
        kind: LineKind,
        description: String,
        amountCents: Int64,
        periodStartMs: Int64?,
        historySeq: Int64?
    ) throws {
        try connection.execute(
            """
            INSERT INTO line_items (
                id, subscription_id, company_id, invoice_id, kind, description, amount_cents, period_start_ms,
                history_seq, created_at_ms
            ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(Identifier.make(prefix: "li")), .text(subscription.id), .text(subscription.companyID),
                SQLValue(invoiceID), .text(kind.rawValue), .text(description), .integer(amountCents),
                SQLValue(periodStartMs), SQLValue(historySeq), .integer(nowMs),
            ]
        )
    }
}
