import MeshStore
import TenantModel

extension OverviewView {
    /// Computes the overview from the subscriptions and invoices tables.
    static func compute(_ connection: Connection) throws -> OverviewView {
        var statusCounts: [String: Int64] = [:]
        for row in try connection.query("SELECT status, COUNT(*) AS n FROM subscriptions GROUP BY status") {
            statusCounts[try row.requireString("status")] = try row.requireInt("n")
        }

        var tierCounts: [String: Int64] = [:]
        let mrr =
            try connection.scalarInt(
                "SELECT COALESCE(SUM(price_cents), 0) FROM subscriptions WHERE status = 'active'"
            ) ?? 0
        for row in try connection.query(
            "SELECT tier, COUNT(*) AS n FROM subscriptions WHERE status = 'active' GROUP BY tier"
        ) {
            tierCounts[try row.requireString("tier")] = try row.requireInt("n")
        }

        var invoiceCounts: [String: Int64] = [:]
        for row in try connection.query(
            """
            SELECT status, COUNT(*) AS n FROM invoices
            WHERE status IN ('open', 'past_due') AND total_cents > 0 GROUP BY status
            """
        ) {
            invoiceCounts[try row.requireString("status")] = try row.requireInt("n")
        }

        // Only a final invoice stays below zero (BillingLedger.issueInvoice), and it never becomes past due.
        // A company's refund is set against its own unpaid invoices, so each side counts only what is left
        // after the other.
        var outstanding: Int64 = 0
        var refundsDue: Int64 = 0
        var refundsDueCents: Int64 = 0
        for row in try connection.query(
            """
            SELECT SUM(CASE WHEN total_cents > 0 THEN total_cents ELSE 0 END) AS owed,
                   SUM(CASE WHEN total_cents < 0 AND status = 'open' THEN -total_cents ELSE 0 END) AS refund,
                   SUM(total_cents < 0 AND status = 'open') AS refunds
            FROM invoices WHERE status IN ('open', 'past_due') GROUP BY company_id
            """
        ) {
            let owed = try row.requireInt("owed")
            let refund = try row.requireInt("refund")
            outstanding += max(owed - refund, 0)
            if refund > owed {
                refundsDue += try row.requireInt("refunds")
                refundsDueCents += refund - owed
            }
        }

        return OverviewView(
            activeSubscriptions: statusCounts[SubscriptionStatus.active.rawValue] ?? 0,
            suspendedSubscriptions: statusCounts[SubscriptionStatus.suspended.rawValue] ?? 0,
            canceledSubscriptions: statusCounts[SubscriptionStatus.canceled.rawValue] ?? 0,
            mrrCents: mrr,
            byTier: TierCounts(
                basic: tierCounts[Tier.basic.rawValue] ?? 0,
                premium: tierCounts[Tier.premium.rawValue] ?? 0,
                platinum: tierCounts[Tier.platinum.rawValue] ?? 0
            ),
            openInvoices: invoiceCounts[InvoiceStatus.open.rawValue] ?? 0,
            pastDueInvoices: invoiceCounts[InvoiceStatus.pastDue.rawValue] ?? 0,
            outstandingCents: outstanding,
            refundsDue: refundsDue,
            refundsDueCents: refundsDueCents,
            currency: SubscriptionRecord.currency
        )
    }
}
