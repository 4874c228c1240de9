import MeshStore
import TenantModel

/// One company's subscription as stored in the `subscriptions` table.
///
/// Two rates drive invoicing. `rateCents` is what accrues right now: the price while active, zero while
/// suspended or canceled. Every change of it inside a period adds a prorated pending item.
/// `periodRateCents` is the rate when the current period began, and it becomes the period's
/// subscription line when the period closes. Both kinds of lines together add up to the period's cost.
struct SubscriptionRecord: Sendable {
    let id: String
    let companyID: String
    let keyPrefix: String?
    var tier: Tier
    var priceCents: Int64
    var status: SubscriptionStatus
    let startedAtMs: Int64
    var periodIndex: Int
    var periodStartMs: Int64
    var periodEndMs: Int64
    var rateCents: Int64
    var periodRateCents: Int64
    var periodTier: Tier
    var canceledAtMs: Int64?
    let createdAtMs: Int64
    var updatedAtMs: Int64

    static let currency = "USD"

    /// Creates an active subscription at `tier`'s price, in its first period.
    init(companyID: String, keyPrefix: String?, tier: Tier, startedAtMs: Int64, recordedAtMs: Int64) {
        let calendar = BillingCalendar(startMs: startedAtMs)
        let first = calendar.period(0)
        self.id = Identifier.make(prefix: "sub")
        self.companyID = companyID
        self.keyPrefix = keyPrefix
        self.tier = tier
        self.priceCents = tier.priceCents
        self.status = .active
        self.startedAtMs = startedAtMs
        self.periodIndex = 0
        self.periodStartMs = first.startMs
        self.periodEndMs = first.endMs
        self.rateCents = tier.priceCents
        self.periodRateCents = tier.priceCents
        self.periodTier = tier
        self.canceledAtMs = nil
        self.createdAtMs = recordedAtMs
        self.updatedAtMs = recordedAtMs
    }

    init(
        id: String, companyID: String, keyPrefix: String?, tier: Tier, priceCents: Int64,
        status: SubscriptionStatus, startedAtMs: Int64, periodIndex: Int, periodStartMs: Int64,
        periodEndMs: Int64, rateCents: Int64, periodRateCents: Int64, periodTier: Tier,
        canceledAtMs: Int64?, createdAtMs: Int64, updatedAtMs: Int64
    ) {
        self.id = id
        self.companyID = companyID
        self.keyPrefix = keyPrefix
        self.tier = tier
        self.priceCents = priceCents
        self.status = status
        self.startedAtMs = startedAtMs
        self.periodIndex = periodIndex
        self.periodStartMs = periodStartMs
        self.periodEndMs = periodEndMs
        self.rateCents = rateCents
        self.periodRateCents = periodRateCents
        self.periodTier = periodTier
        self.canceledAtMs = canceledAtMs
        self.createdAtMs = createdAtMs
        self.updatedAtMs = updatedAtMs
    }

    var calendar: BillingCalendar {
        BillingCalendar(startMs: startedAtMs)
    }

    var anchorDay: Int {
        calendar.anchorDay
    }

    var currentPeriod: BillingPeriod {
        BillingPeriod(index: periodIndex, startMs: periodStartMs, endMs: periodEndMs)
    }

    /// This subscription's share of monthly recurring revenue: its price while active, else zero.
    var mrrCents: Int64 {
        status == .active ? priceCents : 0
    }

    /// Moves to the next period: its boundaries from the calendar, its opening rate and tier from now.
    mutating func advancePeriod() {
        let next = calendar.period(periodIndex + 1)
        periodIndex = next.index
        periodStartMs = next.startMs
        periodEndMs = next.endMs
        periodRateCents = rateCents
        periodTier = tier
    }
}
