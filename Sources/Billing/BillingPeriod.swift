/// One billing period: from `startMs` (included) to `endMs` (excluded), in milliseconds since the epoch.
public struct BillingPeriod: Sendable, Hashable, CustomStringConvertible {
    /// 0 for the period that starts with the subscription, then 1, 2, ... one per month.
    public let index: Int
    public let startMs: Int64
    public let endMs: Int64

    public init(index: Int, startMs: Int64, endMs: Int64) {
        self.index = index
        self.startMs = startMs
        self.endMs = endMs
    }

    /// The period's length in milliseconds.
    public var lengthMs: Int64 {
        endMs - startMs
    }

    public func contains(_ instantMs: Int64) -> Bool {
        instantMs >= startMs && instantMs < endMs
    }

    /// `YYYY-MM-DD to YYYY-MM-DD` in UTC, for line item descriptions.
    public var description: String {
        "\(CivilDate(milliseconds: startMs).dateString) to \(CivilDate(milliseconds: endMs).dateString)"
    }
}
