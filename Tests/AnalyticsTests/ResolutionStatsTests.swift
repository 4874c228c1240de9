import Testing

@testable import Analytics

@Suite("Resolution statistics")
struct ResolutionStatsTests {
    @Test(
        "median and nearest-rank p90",
        arguments: [
            ([1_000, 2_000, 3_000, 4_000], 2_500, 4_000, 2_500),
            ([5], 5, 5, 5),
            (Array(1...10), 5, 9, 5),
            (Array(1...11), 6, 10, 6),
        ] as [([Int64], Int64, Int64, Int64)]
    )
    func resolutionStatistics(durations: [Int64], median: Int64, p90: Int64, mean: Int64) {
        let stats = ResolutionStats.compute(
            sortedDurations: durations, sumMs: durations.reduce(0, +), resolved: Int64(durations.count))
        #expect(stats.medianMs == median)
        #expect(stats.p90Ms == p90)
        #expect(stats.meanMs == mean)
    }

    @Test("no durations give null figures")
    func empty() {
        let stats = ResolutionStats.compute(sortedDurations: [], sumMs: 0, resolved: 2)
        #expect(stats == ResolutionStats(resolved: 2, timed: 0, meanMs: nil, medianMs: nil, p90Ms: nil))
    }
}
