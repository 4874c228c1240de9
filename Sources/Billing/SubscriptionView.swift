import TenantModel

/// A company's subscription as `billing.subscription` returns it.
public struct SubscriptionView: Codable, Sendable {
    public let companyID: String
    public let subscriptionID: String
    public let tier: Tier
    public let status: SubscriptionStatus
    /// The tier's monthly price.
    public let priceCents: Int64
    public let currency: String
    public let startedAtMs: Int64
    /// The UTC day of the month the subscription renews on (clamped to shorter months' last day).
    public let anchorDay: Int
    public let currentPeriodStartMs: Int64
    public let currentPeriodEndMs: Int64
    public let canceledAtMs: Int64?
    /// Charges and credits that the next invoice will carry.
    public let pendingItems: [LineView]
    public let pendingTotalCents: Int64
    /// This subscription's share of monthly recurring revenue: the price while active, else zero.
    public let mrrCents: Int64

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case subscriptionID = "subscription_id"
        case tier
        case status
        case priceCents = "price_cents"
        case currency
        case startedAtMs = "started_at_ms"
        case anchorDay = "anchor_day"
        case currentPeriodStartMs = "current_period_start_ms"
        case currentPeriodEndMs = "current_period_end_ms"
        case canceledAtMs = "canceled_at_ms"
        case pendingItems = "pending_items"
        case pendingTotalCents = "pending_total_cents"
        case mrrCents = "mrr_cents"
    }

    init(_ subscription: SubscriptionRecord, pendingItems: [LineView]) {
        self.companyID = subscription.companyID
        self.subscriptionID = subscription.id
        self.tier = subscription.tier
        self.status = subscription.status
        self.priceCents = subscription.priceCents
        self.currency = SubscriptionRecord.currency
        self.startedAtMs = subscription.startedAtMs
        self.anchorDay = subscription.anchorDay
        self.currentPeriodStartMs = subscription.periodStartMs
        self.currentPeriodEndMs = subscription.periodEndMs
        self.canceledAtMs = subscription.canceledAtMs
        self.pendingItems = pendingItems
        self.pendingTotalCents = pendingItems.reduce(0) { $0 + $1.amountCents }
        self.mrrCents = subscription.mrrCents
    }
}
