/// How long issues took from creation to resolution, over the resolutions inside a window.
public struct ResolutionStats: Codable, Sendable, Equatable {
    /// Resolutions in the window, including any whose creation time is unknown.
    public var resolved: Int64
    /// Resolutions with a known duration; the three figures below are over these.
    public var timed: Int64
    /// Nil when nothing timed was resolved in the window.
    public var meanMs: Int64?
    /// The middle duration; with an even count, the mean of the two middle ones (rounded down).
    public var medianMs: Int64?
    /// Nearest-rank 90th percentile: the duration at position ceil(0.9 × timed) in ascending order.
    public var p90Ms: Int64?
    /// The reason `median_ms` and `p90_ms` are null on a tier without advanced analytics. Nil where they are
    /// shown.
    public var percentilesNote: String?

    enum CodingKeys: String, CodingKey {
        case resolved
        case timed
        case meanMs = "mean_ms"
        case medianMs = "median_ms"
        case p90Ms = "p90_ms"
        case percentilesNote = "percentiles_note"
    }

    /// Builds the figures from the window's durations in ascending order. `sumMs` and `resolved` come
    /// from the daily rollup; `sumMs` must be the sum of `sortedDurations`.
    static func compute(sortedDurations: [Int64], sumMs: Int64, resolved: Int64) -> ResolutionStats {
        let count = sortedDurations.count
        guard count > 0 else {
            return ResolutionStats(resolved: resolved, timed: 0, meanMs: nil, medianMs: nil, p90Ms: nil)
        }

        let middle = count / 2
        let median =
            count % 2 == 1
            ? sortedDurations[middle]
            : (sortedDurations[middle - 1] + sortedDurations[middle]) / 2
        let rank = (9 * count + 9) / 10
        return ResolutionStats(
            resolved: resolved,
            timed: Int64(count),
            meanMs: sumMs / Int64(count),
            medianMs: median,
            p90Ms: sortedDurations[rank - 1]
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(resolved, forKey: .resolved)
        try container.encode(timed, forKey: .timed)
        try container.encodeOrNull(meanMs, forKey: .meanMs)
        try container.encodeOrNull(medianMs, forKey: .medianMs)
        try container.encodeOrNull(p90Ms, forKey: .p90Ms)
        try container.encodeOrNull(percentilesNote, forKey: .percentilesNote)
    }
}
