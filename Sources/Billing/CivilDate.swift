/// A UTC calendar date with a time of day, converted to and from milliseconds since the Unix epoch.
///
/// The conversion uses integer arithmetic only (the proleptic Gregorian calendar, after Howard
/// Hinnant's days-from-civil algorithm), so billing dates never depend on a time zone database, a
/// locale or floating point.
struct CivilDate: Sendable, Hashable {
    static let millisecondsPerDay: Int64 = 86_400_000

    var year: Int64
    /// 1 through 12.
    var month: Int
    /// 1 through the month's length.
    var day: Int
    /// Milliseconds after 00:00 UTC, 0 through 86_399_999.
    var millisecondOfDay: Int64

    init(year: Int64, month: Int, day: Int, millisecondOfDay: Int64 = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.millisecondOfDay = millisecondOfDay
    }

    /// Creates the UTC date and time of an instant. Instants before 1970 work too.
    init(milliseconds: Int64) {
        let (days, remainder) = Self.floorDivision(milliseconds, Self.millisecondsPerDay)
        millisecondOfDay = remainder

        // Shift the epoch to 0000-03-01 so that leap days fall at the end of each counted year.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153

        day = Int(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
        month = Int(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9)
        let marchYear = yearOfEra + era * 400
        year = month <= 2 ? marchYear + 1 : marchYear
    }

    /// Milliseconds since the Unix epoch of this date and time of day.
    var milliseconds: Int64 {
        let marchYear = month <= 2 ? year - 1 : year
        let era = (marchYear >= 0 ? marchYear : marchYear - 399) / 400
        let yearOfEra = marchYear - era * 400
        let shiftedMonth = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return days * Self.millisecondsPerDay + millisecondOfDay
    }

    /// The date as `YYYY-MM-DD`.
    var dateString: String {
        "\(Self.padded(year, width: 4))-\(Self.padded(Int64(month), width: 2))-\(Self.padded(Int64(day), width: 2))"
    }

    /// Division rounding toward negative infinity, with a remainder that is never negative.
    static func floorDivision(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let quotient = value / divisor
        let remainder = value % divisor
        if remainder < 0 {
            return (quotient - 1, remainder + divisor)
        }
        return (quotient, remainder)
    }

    static func padded(_ value: Int64, width: Int) -> String {
        let digits = String(value.magnitude)
        let zeros = String(repeating: "0", count: max(0, width - digits.count))
        return (value < 0 ? "-" : "") + zeros + digits
    }
}
