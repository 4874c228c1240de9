/// Billing across every company, as `billing.overview` returns it.
public struct OverviewView: Codable, Sendable {
    public let activeSubscriptions: Int64
    public let suspendedSubscriptions: Int64
    public let canceledSubscriptions: Int64
    /// Estimated monthly recurring revenue: the sum of active subscriptions' prices.
    public let mrrCents: Int64
    /// Active subscriptions per tier.
    public let byTier: TierCounts
    /// Open invoices the companies owe, refunds left out.
    public let openInvoices: Int64
    public let pastDueInvoices: Int64
    /// The sum of open and past-due invoices' totals, refunds left out.
    public let outstandingCents: Int64
    /// Final invoices below zero not yet paid out: what the platform owes deleted companies.
    public let refundsDue: Int64
    /// The sum owed by `refundsDue`, as a positive amount.
    public let refundsDueCents: Int64
    public let currency: String

    enum CodingKeys: String, CodingKey {
        case activeSubscriptions = "active_subscriptions"
        case suspendedSubscriptions = "suspended_subscriptions"
        case canceledSubscriptions = "canceled_subscriptions"
        case mrrCents = "mrr_cents"
        case byTier = "by_tier"
        case openInvoices = "open_invoices"
        case pastDueInvoices = "past_due_invoices"
        case outstandingCents = "outstanding_cents"
        case refundsDue = "refunds_due"
        case refundsDueCents = "refunds_due_cents"
        case currency
    }
}
