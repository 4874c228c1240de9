import MeshRuntime
import Testing

@Suite struct UTCTimeTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (Int64(951_782_400_000), "2000-02-29T00:00:00.000Z"),
        (Int64(1_796_417_784_353), "2026-12-04T20:56:24.353Z"),
        (Int64(4_107_542_399_999), "2100-02-28T23:59:59.999Z"),
        (Int64(-1), "1969-12-31T23:59:59.999Z"),
    ])
    func formatsISO8601(milliseconds: Int64, expected: String) {
        #expect(UTCTime.iso8601(milliseconds: milliseconds) == expected)
    }

    @Test func dayRollsOverAtMidnight() {
        #expect(UTCTime.day(ofMilliseconds: 1_704_067_199_999) == "2023-12-31")
        #expect(UTCTime.day(ofMilliseconds: 1_704_067_200_000) == "2024-01-01")
    }
}
