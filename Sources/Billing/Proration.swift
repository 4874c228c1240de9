/// The amount owed or credited for the rest of a billing period after the monthly rate changes.
///
/// `amountCents = differenceCents * remainingMs / lengthMs`, rounded half away from zero to whole
/// cents (see `CentsRounding`). A positive amount is a charge (an upgrade, a reactivation), a negative
/// one a credit (a downgrade, a suspension, a cancellation).
public struct Proration: Sendable, Hashable {
    /// The new monthly rate minus the old one, in cents.
    public let differenceCents: Int64
    /// The period the change falls into (or precedes).
    public let period: BillingPeriod
    /// Milliseconds from the change to the period's end: the whole period when the change came before
    /// its start, zero when it came after its end.
    public let remainingMs: Int64

    public init(differenceCents: Int64, period: BillingPeriod, changeAtMs: Int64) {
        self.differenceCents = differenceCents
        self.period = period
        let from = min(max(changeAtMs, period.startMs), period.endMs)
        self.remainingMs = period.endMs - from
    }

    public var amountCents: Int64 {
        guard period.lengthMs > 0 else {
            return 0
        }
        return CentsRounding.scale(differenceCents, by: remainingMs, over: period.lengthMs)
    }

    /// The remaining share of the period in hundredths of a percent (5000 is 50.00%), for descriptions.
    public var remainingBasisPoints: Int64 {
        guard period.lengthMs > 0 else {
            return 0
        }
        return CentsRounding.scale(10_000, by: remainingMs, over: period.lengthMs)
    }

    /// `50.00%` and the like.
    var remainingPercentText: String {
        let points = remainingBasisPoints
        return "\(points / 100).\(CivilDate.padded(points % 100, width: 2))%"
    }
}
