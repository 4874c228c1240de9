import MeshRuntime
import Testing

@testable import Billing

@Suite("Billing calendar")
struct BillingCalendarTests {
    struct Renewal: Sendable, CustomStringConvertible {
        let start: (year: Int64, month: Int, day: Int)
        let index: Int
        let expected: (year: Int64, month: Int, day: Int)

        var description: String {
            "\(start) + \(index) -> \(expected)"
        }
    }

    static let renewals: [Renewal] = [
        // Anchor 31 clamps to each short month and comes back on long ones.
        Renewal(start: (2026, 1, 31), index: 1, expected: (2026, 2, 28)),
        Renewal(start: (2026, 1, 31), index: 2, expected: (2026, 3, 31)),
        Renewal(start: (2026, 1, 31), index: 3, expected: (2026, 4, 30)),
        Renewal(start: (2026, 1, 31), index: 4, expected: (2026, 5, 31)),
        Renewal(start: (2026, 3, 31), index: 6, expected: (2026, 9, 30)),
        // Leap years: 2024 and 2000 have February 29; 2100 does not.
        Renewal(start: (2024, 1, 31), index: 1, expected: (2024, 2, 29)),
        Renewal(start: (2024, 1, 30), index: 1, expected: (2024, 2, 29)),
        Renewal(start: (2024, 2, 29), index: 12, expected: (2025, 2, 28)),
        Renewal(start: (2024, 2, 29), index: 13, expected: (2025, 3, 29)),
        Renewal(start: (2024, 2, 29), index: 48, expected: (2028, 2, 29)),
        Renewal(start: (2000, 1, 30), index: 1, expected: (2000, 2, 29)),
        Renewal(start: (2100, 1, 29), index: 1, expected: (2100, 2, 28)),
        // December rolls into January of the next year.
        Renewal(start: (2025, 12, 15), index: 1, expected: (2026, 1, 15)),
        Renewal(start: (2025, 12, 31), index: 2, expected: (2026, 2, 28)),
        Renewal(start: (2025, 11, 30), index: 14, expected: (2027, 1, 30)),
        // An ordinary day never moves.
        Renewal(start: (2026, 4, 1), index: 1, expected: (2026, 5, 1)),
        Renewal(start: (2026, 1, 1), index: 0, expected: (2026, 1, 1)),
    ]

    @Test("renewal clamps to month end", arguments: renewals)
    func renewal(_ renewal: Renewal) {
        let hour: Int64 = 9
        let (year, month, day) = renewal.start
        let start = CivilDate(year: year, month: month, day: day, millisecondOfDay: hour * 3_600_000)
        let calendar = BillingCalendar(startMs: start.milliseconds)

        let boundary = CivilDate(milliseconds: calendar.boundary(renewal.index))

        #expect(boundary.year == renewal.expected.year)
        #expect(boundary.month == renewal.expected.month)
        #expect(boundary.day == renewal.expected.day)
        #expect(boundary.millisecondOfDay == hour * 3_600_000)
        #expect(calendar.anchorDay == renewal.start.day)
    }

    @Test("periods are contiguous")
    func periodsAreContiguous() {
        let calendar = BillingCalendar(startMs: Fixture.utc(2026, 1, 31))

        for index in 0..<24 {
            #expect(calendar.period(index).endMs == calendar.period(index + 1).startMs)
        }
        let april = BillingCalendar(startMs: Fixture.utc(2026, 4, 1)).period(0)
        #expect(april.lengthMs == 30 * Fixture.dayMs)
        #expect(april.description == "2026-04-01 to 2026-05-01")
    }

    @Test("period containing an instant")
    func periodContaining() {
        let calendar = BillingCalendar(startMs: Fixture.utc(2026, 1, 31, hour: 10))
        let marchBoundary = Fixture.utc(2026, 3, 31, hour: 10)

        #expect(calendar.periodIndex(containing: calendar.startMs) == 0)
        #expect(calendar.periodIndex(containing: calendar.startMs - 1) == 0)
        #expect(calendar.periodIndex(containing: Fixture.utc(2026, 2, 28, hour: 9)) == 0)
        #expect(calendar.periodIndex(containing: Fixture.utc(2026, 2, 28, hour: 10)) == 1)
        #expect(calendar.periodIndex(containing: marchBoundary - 1) == 1)
        #expect(calendar.periodIndex(containing: marchBoundary) == 2)
        #expect(calendar.periodIndex(containing: Fixture.utc(2027, 1, 31, hour: 10)) == 12)
        for index in 0..<30 {
            let period = calendar.period(index)
            #expect(calendar.period(containing: period.startMs) == period)
            #expect(calendar.period(containing: period.endMs - 1) == period)
        }
    }

    @Test(
        "UTC dates convert to milliseconds and back",
        arguments: [
            Int64(0), -1, 951_782_400_000, 1_767_225_600_000, 4_107_542_400_000, -62_135_596_800_000,
        ])
    func civilRoundTrip(_ milliseconds: Int64) {
        let date = CivilDate(milliseconds: milliseconds)

        #expect(date.milliseconds == milliseconds)
        #expect((1...12).contains(date.month))
        #expect((1...UTCTime.daysInMonth(year: date.year, month: date.month)).contains(date.day))
    }

    @Test("known instants have UTC dates")
    func knownDates() {
        #expect(CivilDate(milliseconds: 0).dateString == "1970-01-01")
        #expect(CivilDate(milliseconds: -1).dateString == "1969-12-31")
        #expect(CivilDate(milliseconds: 951_782_400_000).dateString == "2000-02-29")
        #expect(CivilDate(milliseconds: 1_767_225_600_000).dateString == "2026-01-01")
    }
}
