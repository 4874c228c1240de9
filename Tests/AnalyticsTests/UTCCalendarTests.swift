import Testing

@testable import Analytics

@Suite("UTC calendar")
struct UTCCalendarTests {
    @Test(
        "known days and ISO weeks",
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

    @Test(
        "month boundaries",
        arguments: [
            (utc(2026, 1, 31, 23), utc(2026, 1, 1), utc(2026, 2, 1)),
            (utc(2025, 12, 5), utc(2025, 12, 1), utc(2026, 1, 1)),
        ])
    func monthBoundaries(milliseconds: Int64, start: Int64, next: Int64) {
        #expect(UTCCalendar.startOfMonth(milliseconds) == start)
        #expect(UTCCalendar.startOfNextMonth(milliseconds) == next)
    }

    @Test(
        "invalid day text rejected", arguments: ["2026-02-30", "2026-13-01", "2026-1-01", "20260101", "", "2025-02-29"])
    func invalidDays(text: String) {
        #expect(UTCCalendar.dayNumber(parsing: text) == nil)
    }
}
