import MeshProtocol
import TenantModel

/// The whole UTC days a company report covers: `days` days ending with the day holding the report time.
public struct ReportWindow: Codable, Sendable, Equatable {
    /// Start of the first day, inclusive.
    public var fromMs: Int64
    /// Midnight after the last day, exclusive.
    public var toMs: Int64
    public var fromDay: String
    public var toDay: String
    public var days: Int
    /// True when the caller asked for more days than the tier's reporting history allows.
    public var cappedByTier: Bool

    enum CodingKeys: String, CodingKey {
        case fromMs = "from_ms"
        case toMs = "to_ms"
        case fromDay = "from_day"
        case toDay = "to_day"
        case days
        case cappedByTier = "capped_by_tier"
    }

    /// Days a report covers when the tier's history is unlimited and the caller names none.
    static let defaultUnlimitedDays = 90
    /// The maximum window on any tier, which bounds the size of a report (about ten years).
    static let maximumDays = 3660

    /// Picks the window for a request: `requested` or the tier's default, capped by the tier's history.
    static func resolve(requested: Int?, tier: Tier, nowMs: Int64) throws(RPCError) -> ReportWindow {
        if let requested, requested < 1 {
            throw RPCError.invalidArgument(
                field: "days", "days is \(requested); ask for 1 or more days, or leave it out for the tier's default")
        }

        var days = requested ?? tier.reportingHistoryDays ?? defaultUnlimitedDays
        var capped = false
        if let history = tier.reportingHistoryDays, days > history {
            days = history
            capped = true
        }
        if days > maximumDays {
            throw RPCError.invalidArgument(
                field: "days", "days is \(days); reports cover at most \(maximumDays) days, ask for fewer")
        }

        let today = UTCCalendar.dayNumber(nowMs)
        let first = today - Int64(days - 1)
        return ReportWindow(
            fromMs: first * UTCCalendar.dayMs,
            toMs: (today + 1) * UTCCalendar.dayMs,
            fromDay: UTCCalendar.dayString(dayNumber: first),
            toDay: UTCCalendar.dayString(dayNumber: today),
            days: days,
            cappedByTier: capped
        )
    }

    /// The day numbers of the window, oldest first.
    var dayNumbers: ClosedRange<Int64> {
        UTCCalendar.dayNumber(fromMs)...(UTCCalendar.dayNumber(toMs) - 1)
    }
}
