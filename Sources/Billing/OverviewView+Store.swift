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
        let mrr = try connection.scalarInt(
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
            WHERE status IN ('open', 'past_due') GROUP BY status
            """
        ) {
            invoiceCounts[try row.requireString("status")] = try row.requireInt("n")
            outstanding += try row.requireInt("total")
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
            currency: SubscriptionRecord.currency
        )
    }
}
