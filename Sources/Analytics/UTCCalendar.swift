import MeshRuntime

/// Calendar arithmetic on milliseconds since the Unix epoch, always in UTC.
///
/// Days are named "YYYY-MM-DD", weeks follow ISO 8601 (Monday first; week 1 contains the year's first
/// Thursday). The conversions use the proleptic Gregorian calendar and need no time zone database.
enum UTCCalendar {
    static let dayMs: Int64 = 86_400_000

    /// A calendar date in UTC.
    struct Date: Hashable, Sendable {
        var year: Int
        var month: Int
        var day: Int
    }

    /// Whole days since 1970-01-01, rounded toward the past for negative times.
    static func dayNumber(_ milliseconds: Int64) -> Int64 {
        milliseconds >= 0 ? milliseconds / dayMs : -((-milliseconds + dayMs - 1) / dayMs)
    }

    /// Returns the start (00:00 UTC) of the day containing `milliseconds`.
    static func startOfDay(_ milliseconds: Int64) -> Int64 {
        dayNumber(milliseconds) * dayMs
    }

    /// Returns the "YYYY-MM-DD" name of the day containing `milliseconds`.
    static func dayString(_ milliseconds: Int64) -> String {
        dayString(dayNumber: dayNumber(milliseconds))
    }

    static func dayString(dayNumber: Int64) -> String {
        let date = civilDate(dayNumber: dayNumber)
        return "\(padded(date.year, 4))-\(padded(date.month, 2))-\(padded(date.day, 2))"
    }

    /// Parses "YYYY-MM-DD" into a day number, or nil when the text is not a real calendar date.
    static func dayNumber(parsing text: String) -> Int64? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), day >= 1, day <= UTCTime.daysInMonth(year: Int64(year), month: month)
        else {
            return nil
        }
        return dayNumber(Date(year: year, month: month, day: day))
    }

    /// Returns the start (00:00 UTC on the 1st) of the calendar month containing `milliseconds`.
    static func startOfMonth(_ milliseconds: Int64) -> Int64 {
        var date = civilDate(dayNumber: dayNumber(milliseconds))
        date.day = 1
        return dayNumber(date) * dayMs
    }

    /// Returns the start of the calendar month after the one containing `milliseconds`.
    static func startOfNextMonth(_ milliseconds: Int64) -> Int64 {
        var date = civilDate(dayNumber: dayNumber(milliseconds))
        date.day = 1
        date.month += 1
        if date.month > 12 {
            date.month = 1
            date.year += 1
        }
        return dayNumber(date) * dayMs
    }

    /// The ISO 8601 week of a day, as "YYYY-Www" (for example "2026-W01").
    static func isoWeek(dayNumber: Int64) -> String {
        // 1970-01-01 was a Thursday; Monday is weekday 0.
        let weekday = ((dayNumber + 3) % 7 + 7) % 7
        let thursday = dayNumber - weekday + 3
        let year = civilDate(dayNumber: thursday).year
        let firstOfYear = self.dayNumber(Date(year: year, month: 1, day: 1))
        let week = (thursday - firstOfYear) / 7 + 1
        return "\(padded(year, 4))-W\(padded(Int(week), 2))"
    }

    /// The Monday starting the ISO week of a day.
    static func mondayOfWeek(dayNumber: Int64) -> Int64 {
        dayNumber - ((dayNumber + 3) % 7 + 7) % 7
    }

    /// Days since 1970-01-01 of a civil date (the "days from civil" algorithm, valid for any year).
    static func dayNumber(_ date: Date) -> Int64 {
        let year = Int64(date.month <= 2 ? date.year - 1 : date.year)
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let shiftedMonth = Int64(date.month > 2 ? date.month - 3 : date.month + 9)
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + Int64(date.day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day number (the inverse of `dayNumber(_:)`).
    static func civilDate(dayNumber: Int64) -> Date {
        let civil = UTCTime.civilDate(daysSinceEpoch: dayNumber)
        return Date(year: Int(civil.year), month: Int(civil.month), day: Int(civil.day))
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(abs(value))
        let sign = value < 0 ? "-" : ""
        return sign + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
