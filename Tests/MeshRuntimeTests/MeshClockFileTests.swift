import Foundation
import MeshRuntime
import Testing

/// The test clock file, read by every process of a home.
@Suite struct MeshClockFileTests {
    let path = "/tmp/rt-clock-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)

    @Test func damagedOrDeletedFileKeepsTheLastTime() throws {
        defer { unlink(path) }
        let clock = MeshClock.file(path)
        try MeshClock.writeClockFile(path, milliseconds: 1_893_456_000_000)
        #expect(clock.nowMs() == 1_893_456_000_000)

        try "2030-02-01T00:00:00Z\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(clock.nowMs() == 1_893_456_000_000, "a damaged file must not send the time back to the system clock")
        #expect(throws: RuntimeFailure.self) { try MeshClock.checkClockFile(path) }

        unlink(path)
        #expect(clock.nowMs() == 1_893_456_000_000)

        try MeshClock.writeClockFile(path, milliseconds: 1_893_456_060_000)
        #expect(clock.nowMs() == 1_893_456_060_000)
    }
}
