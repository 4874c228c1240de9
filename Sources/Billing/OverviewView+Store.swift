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
        var outstanding: Int64 = 0
        for row in try connection.query(
            """
            SELECT status, COUNT(*) AS n, COALESCE(SUM(total_cents), 0) AS total FROM invoices
            WHERE status IN ('open', 'past_due') AND total_cents > 0 GROUP BY status
            """
        ) {
            invoiceCounts[try row.requireString("status")] = try row.requireInt("n")
            outstanding += try row.requireInt("total")
        }

        // Only a final invoice stays below zero (BillingLedger.issueInvoice), and it never becomes past due.
        let refunds = try connection.queryOne(
            """
            SELECT COUNT(*) AS n, COALESCE(-SUM(total_cents), 0) AS owed FROM invoices
            WHERE status = 'open' AND total_cents < 0
            """
        )

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
            refundsDue: try refunds?.requireInt("n") ?? 0,
            refundsDueCents: try refunds?.requireInt("owed") ?? 0,
            currency: SubscriptionRecord.currency
        )
    }
}
