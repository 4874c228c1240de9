import MeshRuntime

/// The monthly billing periods of one subscription.
///
/// A subscription renews every month on its anchor day, the UTC day of the month on which it started,
/// at the same UTC time of day. A month shorter than the anchor day renews on its last day instead.
/// The anchor itself does not move. A subscription started on January 31 renews on February 28 (29 in
/// a leap year), then March 31, April 30 and May 31. Every boundary is computed from the anchor and the
/// period's index, not from the previous boundary, so one short month cannot shift later ones.
public struct BillingCalendar: Sendable, Hashable {
    /// When the subscription started: the start of period 0.
    public let startMs: Int64
    /// The UTC day of the month the subscription started on, 1 through 31.
    public let anchorDay: Int
    /// Milliseconds after UTC midnight at which every period begins.
    public let anchorTimeOfDayMs: Int64
    /// The start month as a count of months since year 0 (`year * 12 + month - 1`).
    private let anchorMonthNumber: Int64

    public init(startMs: Int64) {
        let start = CivilDate(milliseconds: startMs)
        self.startMs = startMs
        self.anchorDay = start.day
        self.anchorTimeOfDayMs = start.millisecondOfDay
        self.anchorMonthNumber = start.year * 12 + Int64(start.month - 1)
    }

    /// Returns the instant period `index` starts, which is also when period `index - 1` ends.
    ///
    /// - Parameter index: 0 or more; period 0 starts at `startMs`.
    public func boundary(_ index: Int) -> Int64 {
        let monthNumber = anchorMonthNumber + Int64(index)
        let (year, monthOffset) = CivilDate.floorDivision(monthNumber, 12)
        let month = Int(monthOffset) + 1
        let day = min(anchorDay, UTCTime.daysInMonth(year: year, month: month))
        return CivilDate(year: year, month: month, day: day, millisecondOfDay: anchorTimeOfDayMs).milliseconds
    }

    public func period(_ index: Int) -> BillingPeriod {
        BillingPeriod(index: index, startMs: boundary(index), endMs: boundary(index + 1))
    }

    /// Returns the index of the period containing `instantMs`. Instants before the start count as period 0.
    public func periodIndex(containing instantMs: Int64) -> Int {
        guard instantMs > startMs else {
            return 0
        }

        // The boundary in the instant's own month is the latest candidate. When the instant comes
        // before that boundary (earlier in the month than the anchor), the period began a month earlier.
        let instant = CivilDate(milliseconds: instantMs)
        let monthNumber = instant.year * 12 + Int64(instant.month - 1)
        let candidate = Int(monthNumber - anchorMonthNumber)
        return boundary(candidate) <= instantMs ? candidate : candidate - 1
    }

    public func period(containing instantMs: Int64) -> BillingPeriod {
        period(periodIndex(containing: instantMs))
    }
}
