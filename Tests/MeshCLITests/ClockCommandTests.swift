import Foundation
import MeshRuntime
import Testing

@testable import MeshCLI

@Suite struct ClockCommandTests {
    @Test func hugeDurationsAreRejected() {
        #expect(ClockCommand.parseDuration("31d") == 2_678_400_000)
        #expect(ClockCommand.parseDuration("999999999999d") == nil)
        #expect(ClockCommand.parseDuration("-1d") == nil)
    }

    @Test func timesOutsideYears1970To9999AreRejected() {
        #expect(ClockCommand.parseTime("2027-01-31T00:00:00Z") == 1_801_353_600_000)
        #expect(ClockCommand.parseTime("2027-01-31T00:00:00.250Z") == 1_801_353_600_250)
        #expect(ClockCommand.parseTime("2027-01-31T00:00:00.001Z") == 1_801_353_600_001)
        #expect(ClockCommand.parseTime("-5") == nil)
        #expect(ClockCommand.parseTime("253402300800000") == nil)
        #expect(ClockCommand.parseTime("2031-02-30T00:00:00Z") == nil)
        #expect(ClockCommand.writtenTimeExists("2031-02-30T00:00:00Z") == false)
        #expect(ClockCommand.writtenTimeExists("2031-02-28T23:59:59Z") == true)
        #expect(ClockCommand.writtenTimeExists("not a time at all, no") == nil)
        #expect(ClockCommand.parseTime("2031-04-31T00:00:00Z") == nil)
        #expect(ClockCommand.parseTime("2031-01-01T24:00:00Z") == nil)
        #expect(ClockCommand.parseTime("2032-02-29T00:00:00Z") == 1_961_625_600_000)
    }

    @Test func bareDateMeansMidnight() {
        #expect(ClockCommand.midnightIfDateOnly("2027-04-05") == "2027-04-05T00:00:00Z")
        #expect(ClockCommand.midnightIfDateOnly("2027-04-05T10:00:00Z") == "2027-04-05T10:00:00Z")
        #expect(ClockCommand.midnightIfDateOnly("1806883200000") == "1806883200000")
        #expect(ClockCommand.parseTime(ClockCommand.midnightIfDateOnly("2027-04-05")) == 1_806_883_200_000)
    }

    @Test func missingHomeIsAnError() {
        let error = #expect(throws: RuntimeFailure.self) {
            _ = try ClockCommand.run(["show", "--home", "/tmp/no-such-mesh-home"])
        }
        #expect(error?.message.contains("no mesh home at /tmp/no-such-mesh-home") == true)
    }

    @Test func backwardsOnlyAppliesToSet() {
        #expect(throws: UsageError.self) {
            _ = try ClockCommand.run(["advance", "1d", "--backwards", "--home", "/tmp/no-such-mesh-home"])
        }
        #expect(throws: UsageError.self) {
            _ = try ClockCommand.run(["show", "extra", "--home", "/tmp/no-such-mesh-home"])
        }
    }

    @Test func negativeAdvanceSaysHowToGoBack() {
        let error = #expect(throws: UsageError.self) {
            _ = try ClockCommand.run(["advance", "-1d", "--home", "/tmp/no-such-mesh-home"])
        }
        #expect(error?.message.contains("mesh clock set TIME --backwards") == true)
    }

    @Test func deletedTestClockIsNotAdvancedFromTheSystemClock() throws {
        let scratch = try ScratchHome("clock-gone")
        defer { scratch.remove() }
        let home = scratch.home
        // mesh up --test-clock runs (its marker keeps the time last set), and the clock file was deleted.
        #expect(
            FileManager.default.createFile(atPath: home.testClockMarkerPath, contents: Data("1900000000000\n".utf8)))

        let advance = #expect(throws: RuntimeFailure.self) {
            _ = try ClockCommand.run(["advance", "1d", "--home", home.root])
        }
        let show = #expect(throws: RuntimeFailure.self) {
            _ = try ClockCommand.run(["show", "--home", home.root])
        }
        let backwards = #expect(throws: UsageError.self) {
            _ = try ClockCommand.run(["set", "2030-01-01", "--home", home.root])
        }
        try "garbage\n".write(toFile: home.clockPath, atomically: true, encoding: .utf8)
        let damaged = #expect(throws: RuntimeFailure.self) {
            _ = try ClockCommand.run(["show", "--home", home.root])
        }
        try FileManager.default.removeItem(atPath: home.clockPath)
        let set = try ClockCommand.run(["set", "1900000000000", "--home", home.root])

        #expect(advance?.message.contains("`mesh clock set 1900000000000`") == true)
        #expect(show?.message.contains("is missing while mesh up --test-clock runs") == true)
        #expect(backwards?.message.contains("--backwards") == true)
        #expect(damaged?.message.contains("`mesh clock set 1900000000000` writes back") == true)
        #expect(set == 0)
        #expect(MeshClock.file(home.clockPath).nowMs() == 1_900_000_000_000)
    }
}
