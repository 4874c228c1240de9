import Foundation
import MeshProtocol
import MeshRuntime

/// `mesh clock show|set|advance`: reads or moves the test clock every process of a home shares.
enum ClockCommand {
    static func run(_ raw: [String]) throws -> Int32 {
        // A negative duration would otherwise read as an unknown option.
        if raw.first == "advance",
            let negative = raw.dropFirst().first(where: {
                $0.hasPrefix("-") && parseDuration(String($0.dropFirst())) != nil
            })
        {
            throw UsageError(
                "clock advance only moves the mesh's time forward, so \(negative) is invalid; to go back, use "
                    + "mesh clock set TIME --backwards")
        }
        let arguments = try CommandLineArguments(raw, valued: ["home"], flags: ["backwards"])
        try arguments.allowPositional(atMost: 2, command: "clock")
        let home = MeshCommand.home(arguments)
        let action = arguments.positional.first ?? "show"
        let clock = home.clock()
        if action != "set" && arguments.flag("backwards") {
            throw UsageError(
                "--backwards applies to clock set only"
                    + (action == "advance" ? "; the mesh's time never moves back by advance" : ""))
        }

        switch action {
        case "show":
            try arguments.allowPositional(atMost: 1, command: "clock show")
            try requireHome(home)
            try requireClockFileUnlessSystem(home)
            try checkClockFile(home)
            show(clock)
            return 0

        case "set":
            try requireTestClock(home)
            let value = arguments.positional.dropFirst().first.map(midnightIfDateOnly)
            if let value, writtenTimeExists(value) == false {
                throw UsageError(
                    "clock set \(value.clipped): no such date or time of day (check the day of the month and that "
                        + "hours are 00 to 23); write it like 2027-01-31T00:00:00Z")
            }
            guard let value, let milliseconds = parseTime(value) else {
                throw UsageError(
                    "clock set needs a time from 1970 to 9999: milliseconds since the epoch, a date like "
                        + "2027-01-31 (midnight UTC) or ISO-8601 like 2027-01-31T00:00:00Z or 2027-01-31T00:00:00.250Z")
            }
            // A deleted clock file leaves the time mesh up's marker recorded at the last move, which is the
            // time the processes keep. A damaged one has no time to go back from, so set repairs it either way.
            let clockFileIntact =
                FileManager.default.fileExists(atPath: home.clockPath)
                && (try? MeshClock.checkClockFile(home.clockPath)) != nil
            let current = clockFileIntact ? clock.nowMs() : lastSetTime(home)
            if current == nil {
                Terminal.error(
                    "mesh clock: the clock file was damaged or deleted, so whether \(value) is earlier than "
                        + "the time the processes last read could not be checked")
            }
            guard current.map({ milliseconds >= $0 }) ?? true || arguments.flag("backwards") else {
                throw UsageError(
                    "clock set \(value) is earlier than the mesh's current time, \(readable(current ?? 0)); data "
                        + "already written assumes time moves forward, so pass --backwards if you really mean it"
                )
            }
            try MeshClock.writeClockFile(home.clockPath, milliseconds: milliseconds)
            recordLastSetTime(home, milliseconds)
            show(home.clock())
            return 0

        case "advance":
            try requireTestClock(home)
            // Without the file there is no time to advance from: the system clock would move the mesh.
            try requireClockFileUnlessSystem(home)
            try checkClockFile(home)
            guard let value = arguments.positional.dropFirst().first, let step = parseDuration(value) else {
                throw UsageError("clock advance needs a duration like 90s, 15m, 2h or 31d")
            }
            let (target, overflow) = clock.nowMs().addingReportingOverflow(step)
            guard !overflow, validTimes.contains(target) else {
                throw UsageError(
                    "clock advance \(value) would move the mesh past the year 9999; advance by less")
            }
            try MeshClock.writeClockFile(home.clockPath, milliseconds: target)
            recordLastSetTime(home, target)
            show(home.clock())
            return 0

        default:
            let hint = NameSuggestion.hint(for: action, among: ["show", "set", "advance"])
            throw UsageError("unknown clock action '\(action)'\(hint); use show, set or advance")
        }
    }

    private static func show(_ clock: MeshClock) {
        let mode = clock.isTestClock ? "test clock" : "system clock"
        // One reading for both forms, so they name the same millisecond.
        let milliseconds = clock.nowMs()
        Terminal.print("\(readable(milliseconds)) (\(milliseconds) ms, \(mode))")
    }

    /// Returns the clock's time in ISO-8601, with milliseconds when it has any.
    private static func readable(_ clock: MeshClock) -> String {
        readable(clock.nowMs())
    }

    /// Returns `milliseconds` since the epoch in ISO-8601, with milliseconds when it has any.
    private static func readable(_ milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        if milliseconds % 1000 != 0 {
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        }
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    /// Throws unless `home` is a folder a mesh has run in, which has a `data/` folder.
    private static func requireHome(_ home: MeshHome) throws {
        guard FileManager.default.fileExists(atPath: home.dataDirectory) else {
            throw RuntimeFailure(
                "no mesh home at \(home.root) (it has no data/ folder); pass --home or set MESH_HOME to the folder "
                    + "`mesh up` runs in")
        }
    }

    /// Throws when `mesh up --test-clock` runs on the home (its marker is there) but the clock file is
    /// gone. Its processes keep the last time they read, which only `clock set` can write back.
    private static func requireClockFileUnlessSystem(_ home: MeshHome) throws {
        guard !FileManager.default.fileExists(atPath: home.clockPath),
            FileManager.default.fileExists(atPath: home.testClockMarkerPath)
        else {
            return
        }
        throw RuntimeFailure(missingClockAdvice(home))
    }

    /// Throws when the clock file is damaged, naming the time it was last set to when `mesh up
    /// --test-clock` keeps it, so the repair needs no guess.
    private static func checkClockFile(_ home: MeshHome) throws {
        do {
            try MeshClock.checkClockFile(home.clockPath)
        } catch let failure as RuntimeFailure {
            guard let last = lastSetTime(home) else {
                throw failure
            }
            throw RuntimeFailure(
                failure.message + "; it was last set to \(readable(last)), which `mesh clock set \(last)` writes back")
        }
    }

    /// Describes a clock file missing while `mesh up --test-clock` runs, with the command that writes
    /// it back at the time the processes keep.
    static func missingClockAdvice(_ home: MeshHome) -> String {
        let command = lastSetTime(home).map { "`mesh clock set \($0)` (\(readable($0)), the time it was last set to)" }
        return "the test clock file \(home.clockPath) is missing while mesh up --test-clock runs; its processes keep "
            + "the last time they read, so write it back with \(command ?? "`mesh clock set TIME` at that time")"
    }

    /// Returns the time the test clock was last set to, which `mesh up --test-clock` keeps in its marker.
    static func lastSetTime(_ home: MeshHome) -> Int64? {
        (try? String(contentsOfFile: home.testClockMarkerPath, encoding: .utf8))
            .flatMap { Int64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Records `milliseconds` in the marker of a running `mesh up --test-clock`, if there is one.
    static func recordLastSetTime(_ home: MeshHome, _ milliseconds: Int64) {
        guard FileManager.default.fileExists(atPath: home.testClockMarkerPath) else {
            return
        }
        try? "\(milliseconds)\n".write(toFile: home.testClockMarkerPath, atomically: true, encoding: .utf8)
    }

    private static func requireTestClock(_ home: MeshHome) throws {
        try requireHome(home)
        // A mesh up --test-clock whose clock file was deleted may have it written back.
        guard
            FileManager.default.fileExists(atPath: home.clockPath)
                || FileManager.default.fileExists(atPath: home.testClockMarkerPath)
        else {
            throw RuntimeFailure(
                "this mesh runs on the system clock; start it with `mesh up --test-clock` to move time")
        }
    }

    /// The times the test clock may show: 1970-01-01 to the end of 9999, in milliseconds since the epoch.
    /// Dates outside them break calendar arithmetic and the ISO-8601 text of every timestamp.
    static let validTimes = MeshClock.validTimes

    /// Returns a bare date such as 2027-04-05 as midnight UTC of that day, and any other text unchanged.
    static func midnightIfDateOnly(_ text: String) -> String {
        let bytes = Array(text.utf8)
        let isDate =
            bytes.count == 10 && bytes[4] == UInt8(ascii: "-") && bytes[7] == UInt8(ascii: "-")
            && bytes.enumerated().allSatisfy { $0.offset == 4 || $0.offset == 7 || (48...57).contains($0.element) }
        return isDate ? text + "T00:00:00Z" : text
    }

    /// Parses milliseconds since the epoch or ISO-8601, or returns nil for text outside `validTimes`.
    static func parseTime(_ text: String) -> Int64? {
        if let milliseconds = Int64(text) {
            return validTimes.contains(milliseconds) ? milliseconds : nil
        }
        // The formatter rolls a day past the month's end into the next month (2031-02-30 becomes
        // 2031-03-02), so the written date and time are checked first.
        guard writtenTimeExists(text) == true else {
            return nil
        }
        // Fractions of a second (2027-01-31T00:00:00.250Z) need their own formatter option.
        let formatter = ISO8601DateFormatter()
        var date = formatter.date(from: text)
        if date == nil {
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            date = formatter.date(from: text)
        }
        return date.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }.flatMap {
            validTimes.contains($0) ? $0 : nil
        }
    }

    /// Returns whether the `YYYY-MM-DDTHH:MM:SS` at the start of `text` names a real date and time, or
    /// nil when `text` does not start with that shape at all.
    static func writtenTimeExists(_ text: String) -> Bool? {
        let characters = Array(text.utf8.prefix(19))
        guard characters.count == 19 else {
            return nil
        }
        func number(_ range: Range<Int>) -> Int? {
            Int(String(decoding: characters[range], as: UTF8.self))
        }

        let separators: [(Int, Character)] = [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":")]
        guard separators.allSatisfy({ characters[$0.0] == $0.1.asciiValue }),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else {
            return nil
        }
        guard (1...12).contains(month), hour < 24, minute < 60, second < 60 else {
            return false
        }
        return (1...UTCTime.daysInMonth(year: Int64(year), month: month)).contains(day)
    }

    /// Parses `<number><unit>` with unit s, m, h or d into milliseconds.
    static func parseDuration(_ text: String) -> Int64? {
        guard let unit = text.last, let amount = Int64(text.dropLast()), amount >= 0 else {
            return nil
        }
        let scale: Int64
        switch unit {
        case "s": scale = 1_000
        case "m": scale = 60_000
        case "h": scale = 3_600_000
        case "d": scale = 86_400_000
        default: return nil
        }
        let (milliseconds, overflow) = amount.multipliedReportingOverflow(by: scale)
        return overflow ? nil : milliseconds
    }
}
