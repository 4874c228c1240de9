import Testing

@testable import Analytics

@Suite("UTC calendar")
struct UTCCalendarTests {
    @Test(
        "days and ISO weeks of known dates",
        arguments: [
            (utc(2026, 1, 1), "2026-01-01", "2026-W01"),
            (utc(2024, 12, 30, 5), "2024-12-30", "2025-W01"),
            (utc(2021, 1, 3, 23), "2021-01-03", "2020-W53"),
            (utc(2024, 2, 29, 12), "2024-02-29", "2024-W09"),
            (utc(1969, 12, 31, 23), "1969-12-31", "1970-W01"),
        ]
    )
    func knownDates(milliseconds: Int64, dayName: String, week: String) {
        #expect(UTCCalendar.dayString(milliseconds) == dayName)
        #expect(UTCCalendar.isoWeek(dayNumber: UTCCalendar.dayNumber(milliseconds)) == week)
        #expect(UTCCalendar.dayNumber(parsing: dayName) == UTCCalendar.dayNumber(milliseconds))
    }

    @Test("month boundaries", arguments: [(utc(2026, 1, 31, 23), utc(2026, 1, 1), utc(2026, 2, 1)), (utc(2025, 12, 5), utc(2025, 12, 1), utc(2026, 1, 1))])
    func monthBoundaries(milliseconds: Int64, start: Int64, next: Int64) {
        #expect(UTCCalendar.startOfMonth(milliseconds) == start)
        #expect(UTCCalendar.startOfNextMonth(milliseconds) == next)
    }

    @Test("text that is not a calendar date is refused", arguments: ["2026-02-30", "2026-13-01", "2026-1-01", "20260101", "", "2025-02-29"])
    func invalidDays(text: String) {
        #expect(UTCCalendar.dayNumber(parsing: text) == nil)
    }

    @Test(
        "nearest-rank p90 and the median of an even count",
        arguments: [
            ([1_000, 2_000, 3_000, 4_000], 2_500, 4_000, 2_500),
            ([5], 5, 5, 5),
            (Array(1...10), 5, 9, 5),
            (Array(1...11), 6, 10, 6),
        ] as [([Int64], Int64, Int64, Int64)]
    )
    func resolutionStatistics(durations: [Int64], median: Int64, p90: Int64, mean: Int64) {
        let stats = ResolutionStats.compute(sortedDurations: durations, sumMs: durations.reduce(0, +), resolved: Int64(durations.count))
        #expect(stats.medianMs == median)
        #expect(stats.p90Ms == p90)
        #expect(stats.meanMs == mean)
    }
}
