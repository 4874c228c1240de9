import Foundation
import MeshRuntime

/// `mesh clock show|set|advance`: reads or moves the test clock every process of a home shares.
enum ClockCommand {
    static func run(_ raw: [String]) throws -> Int32 {
        let arguments = try CommandLineArguments(raw, valued: ["home"], flags: ["backwards"])
        try arguments.allowPositional(atMost: 2, command: "clock")
        let home = MeshCommand.home(arguments)
        let action = arguments.positional.first ?? "show"
        let clock = home.clock()

        switch action {
        case "show":
            show(clock)
            return 0

        case "set":
            try requireTestClock(home)
            guard let value = arguments.positional.dropFirst().first, let milliseconds = parseTime(value) else {
                throw UsageError(
                    "clock set needs a time: milliseconds since the epoch or ISO-8601 like 2027-01-31T00:00:00Z")
            }
            guard milliseconds >= clock.nowMs() || arguments.flag("backwards") else {
                throw UsageError(
                    "clock set \(value) is earlier than the mesh's current time; data already written assumes time "
                        + "moves forward, so pass --backwards if you really mean it"
                )
            }
            try MeshClock.writeClockFile(home.clockPath, milliseconds: milliseconds)
            show(home.clock())
            return 0

        case "advance":
            try requireTestClock(home)
            guard let value = arguments.positional.dropFirst().first, let step = parseDuration(value) else {
                throw UsageError("clock advance needs a duration like 90s, 15m, 2h or 31d")
            }
            try MeshClock.writeClockFile(home.clockPath, milliseconds: clock.nowMs() + step)
            show(home.clock())
            return 0

        default:
            throw UsageError("unknown clock action '\(action)'; use show, set or advance")
        }
    }

    private static func show(_ clock: MeshClock) {
        let formatter = ISO8601DateFormatter()
        let mode = clock.isTestClock ? "test clock" : "system clock"
        Terminal.print("\(formatter.string(from: clock.now())) (\(clock.nowMs()) ms, \(mode))")
    }

    private static func requireTestClock(_ home: MeshHome) throws {
        guard FileManager.default.fileExists(atPath: home.clockPath) else {
            throw RuntimeFailure(
                "this mesh runs on the system clock; start it with `mesh up --test-clock` to move time")
        }
    }

    static func parseTime(_ text: String) -> Int64? {
        if let milliseconds = Int64(text) {
            return milliseconds
        }
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text).map { Int64($0.timeIntervalSince1970 * 1000) }
    }

    /// Parses `<number><unit>` with unit s, m, h or d into milliseconds.
    static func parseDuration(_ text: String) -> Int64? {
        guard let unit = text.last, let amount = Int64(text.dropLast()), amount >= 0 else {
            return nil
        }
        switch unit {
        case "s": return amount * 1_000
        case "m": return amount * 60_000
        case "h": return amount * 3_600_000
        case "d": return amount * 86_400_000
        default: return nil
        }
    }
}
