import MeshProtocol
import Testing

@Suite struct DurationMillisecondsTests {
    @Test func roundsTowardZero() {
        #expect(Duration.milliseconds(1500).milliseconds == 1500)
        #expect(Duration.microseconds(2999).milliseconds == 2)
        #expect(Duration.microseconds(-2999).milliseconds == -2)
        #expect(Duration.zero.milliseconds == 0)
    }

    @Test func saturatesHugeDurations() {
        #expect(Duration.seconds(Int64.max).milliseconds == .max)
        #expect(Duration.seconds(Int64.min).milliseconds == .min)
        #expect(Duration.seconds(Int64.max / 1000).milliseconds == Int64.max / 1000 * 1000)
    }

    @Test func budgetOfHugeTimeoutIsLargest() {
        var meta = RequestMeta()

        meta.setBudget(.seconds(Int64.max))
        #expect(meta.timeoutMs == .max)

        meta.setBudget(.seconds(-5))
        #expect(meta.timeoutMs == 0)

        meta.setBudget(.microseconds(400))
        #expect(meta.timeoutMs == 1)
    }
}
