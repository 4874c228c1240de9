import Foundation
import Synchronization

/// The wall clock every process of the mesh reads, in milliseconds since the Unix epoch.
///
/// In the normal mode it is the system clock. In test mode every process reads the same clock file in
/// the mesh home, so `mesh clock set` and `mesh clock advance` move the whole mesh's time at once.
/// Durations for timeouts and backoff use the monotonic clock instead and are not affected.
public struct MeshClock: Sendable {
    private enum Source: Sendable {
        case system
        case file(String, LastReading)
        case fixed(Int64)
    }

    /// The last valid time read from a clock file, shown while the file cannot be read; `Int64.min`
    /// until the first reading.
    private final class LastReading: Sendable {
        let milliseconds = Atomic<Int64>(Int64.min)
    }

    private let source: Source

    public static let system = MeshClock(source: .system)

    /// The times the mesh's clock can show: from 1970 to the end of 9999, the years ISO-8601 text writes
    /// with four digits. A time past the end is one the mesh never reaches.
    public static let validTimes: ClosedRange<Int64> = 0...253_402_300_799_999

    /// A clock that reads the time from `path`, a file holding one integer of milliseconds since the epoch.
    public static func file(_ path: String) -> MeshClock {
        MeshClock(source: .file(path, LastReading()))
    }

    /// A clock stopped at `milliseconds`, for in-process tests.
    public static func fixed(_ milliseconds: Int64) -> MeshClock {
        MeshClock(source: .fixed(milliseconds))
    }

    public var isTestClock: Bool {
        if case .system = source {
            return false
        }
        return true
    }

    /// The current time in milliseconds since the Unix epoch.
    public func nowMs() -> Int64 {
        switch source {
        case .system:
            return Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        case .fixed(let milliseconds):
            return milliseconds
        case .file(let path, let last):
            // The file is written whole by rename, so a reader sees the old or the new value.
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
                let milliseconds = Int64(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                Self.validTimes.contains(milliseconds)
            {
                last.milliseconds.store(milliseconds, ordering: .relaxed)
                return milliseconds
            }
            // A file damaged or deleted while processes run leaves their time where it was: falling
            // back to the system clock could move it years back, which no process expects.
            let known = last.milliseconds.load(ordering: .relaxed)
            if known != Int64.min {
                return known
            }
            return Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        }
    }

    /// Throws when the clock file at `path` exists but does not contain a whole number of milliseconds
    /// in `validTimes`, because a process starting on it would read the system clock in its place.
    public static func checkClockFile(_ path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            return
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let milliseconds = Int64(text), validTimes.contains(milliseconds) else {
            throw RuntimeFailure(
                "the test clock file \(path) contains '\(text.prefix(60))', not milliseconds since the epoch; write "
                    + "one with `mesh clock set <ISO-8601 time>` (for example 2027-01-31T00:00:00Z), or, with every "
                    + "process of the home stopped, delete the file and start without --test-clock for the system clock"
            )
        }
    }

    public func now() -> Date {
        Date(timeIntervalSince1970: Double(nowMs()) / 1000)
    }

    /// Writes `milliseconds` to a clock file atomically (temporary file, then rename). The temporary
    /// file is named after this process, since several processes may write the same clock at once.
    public static func writeClockFile(_ path: String, milliseconds: Int64) throws {
        let temporary = path + ".tmp.\(getpid())"
        let text = Array("\(milliseconds)\n".utf8)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw RuntimeFailure(
                "could not write the clock file \(temporary): \(String(cString: strerror(errno))); check that the "
                    + "mesh home is writable and its disk has free space")
        }
        let written = write(descriptor, text, text.count)
        let writeError = errno
        close(descriptor)
        guard written == text.count else {
            unlink(temporary)
            let reason = written < 0 ? String(cString: strerror(writeError)) : "only \(written) bytes were written"
            throw RuntimeFailure(
                "could not write the clock file \(temporary): \(reason); the clock was not moved, so free space on "
                    + "the disk holding the mesh home and try again")
        }
        guard rename(temporary, path) == 0 else {
            throw RuntimeFailure("could not move \(temporary) to \(path): \(String(cString: strerror(errno)))")
        }
    }
}

/// A runtime failure at startup or in the supervisor, with a message for the operator.
public struct RuntimeFailure: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
