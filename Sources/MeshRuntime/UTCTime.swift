/// Calendar arithmetic for UTC timestamps in pure integer math.
///
/// Foundation's `Calendar` and date formatters load ICU's data, which costs every process several
/// megabytes of memory. The mesh only needs UTC days and ISO-8601 text, so this computes them directly.
public enum UTCTime {
    /// Converts a day counted from 1970-01-01 to its proleptic Gregorian date (Howard Hinnant's
    /// civil-from-days algorithm).
    public static func civilDate(daysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// Returns the number of days of `month` (1 to 12) in the proleptic Gregorian `year`.
    public static func daysInMonth(year: Int64, month: Int) -> Int {
        switch month {
        case 2:
            let isLeapYear = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return isLeapYear ? 29 : 28
        case 4, 6, 9, 11:
            return 30
        default:
            return 31
        }
    }

    /// Formats the UTC day of `milliseconds` since the epoch as "YYYY-MM-DD".
    public static func day(ofMilliseconds milliseconds: Int64) -> String {
        let days = floorDivide(milliseconds, 86_400_000)
        let date = civilDate(daysSinceEpoch: days)
        return pad(date.year, 4) + "-" + pad(date.month, 2) + "-" + pad(date.day, 2)
    }

    /// `milliseconds` since the epoch as ISO-8601 UTC with milliseconds, like 2026-12-04T10:00:00.123Z.
    public static func iso8601(milliseconds: Int64) -> String {
        let dayMilliseconds = milliseconds - floorDivide(milliseconds, 86_400_000) * 86_400_000
        let hours = dayMilliseconds / 3_600_000
        let minutes = dayMilliseconds / 60_000 % 60
        let seconds = dayMilliseconds / 1_000 % 60
        let fraction = dayMilliseconds % 1_000
        return day(ofMilliseconds: milliseconds) + "T" + pad(hours, 2) + ":" + pad(minutes, 2) + ":" + pad(seconds, 2)
            + "." + pad(fraction, 3) + "Z"
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : (value - divisor + 1) / divisor
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
