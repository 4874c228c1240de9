import Foundation
import MeshProtocol
import Synchronization

/// A small structured logger in the shape of swift-log: a constant message plus dotted metadata keys.
///
/// Lines go to standard error as `2026-12-04T10:00:00.123Z info gateway: request.finished method=... `.
/// The supervisor redirects each process's standard error to `logs/<process>.log`.
public struct Logger: Sendable {
    public enum Level: Int, Sendable, Comparable, CustomStringConvertible {
        case trace, debug, info, notice, warning, error

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

        public var description: String {
            switch self {
            case .trace: return "trace"
            case .debug: return "debug"
            case .info: return "info"
            case .notice: return "notice"
            case .warning: return "warning"
            case .error: return "error"
            }
        }

        public init?(name: String) {
            switch name.lowercased() {
            case "trace": self = .trace
            case "debug": self = .debug
            case "info": self = .info
            case "notice": self = .notice
            case "warning": self = .warning
            case "error": self = .error
            default: return nil
            }
        }
    }

    public let label: String
    public var level: Level
    public var metadata: [String: String]
    private let sink: LogSink

    public init(label: String, level: Level = .info, sink: LogSink = .standardError) {
        self.label = label
        self.level = level
        self.metadata = [:]
        self.sink = sink
    }

    /// A child logger that adds `extra` to every line.
    public func with(_ extra: [String: String]) -> Logger {
        var child = self
        child.metadata.merge(extra) { _, new in new }
        return child
    }

    public func log(_ level: Level, _ message: StaticString, _ extra: [String: String] = [:]) {
        guard level >= self.level else {
            return
        }

        var line = "\(LogSink.timestamp()) \(level) \(label): \(message)"
        let merged = metadata.merging(extra) { _, new in new }
        for key in merged.keys.sorted() {
            line += " \(key)=\(LogSink.quoted(merged[key]!))"
        }
        sink.write(line)
    }

    public func trace(_ message: StaticString, _ extra: [String: String] = [:]) { log(.trace, message, extra) }
    public func debug(_ message: StaticString, _ extra: [String: String] = [:]) { log(.debug, message, extra) }
    public func info(_ message: StaticString, _ extra: [String: String] = [:]) { log(.info, message, extra) }
    public func notice(_ message: StaticString, _ extra: [String: String] = [:]) { log(.notice, message, extra) }
    public func warning(_ message: StaticString, _ extra: [String: String] = [:]) { log(.warning, message, extra) }
    public func error(_ message: StaticString, _ extra: [String: String] = [:]) { log(.error, message, extra) }
}

/// Where log lines go: standard error, or memory for tests.
public final class LogSink: Sendable {
    public static let standardError = LogSink(capturing: false)

    private let capturing: Bool
    private let lines = Mutex<[String]>([])

    private init(capturing: Bool) {
        self.capturing = capturing
    }

    /// A sink that keeps lines in memory so tests can read them.
    public static func memory() -> LogSink {
        LogSink(capturing: true)
    }

    public var captured: [String] {
        lines.withLock { $0 }
    }

    func write(_ line: String) {
        if capturing {
            lines.withLock { $0.append(line) }
            return
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func timestamp() -> String {
        UTCTime.iso8601(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// The maximum bytes of one field value that a log line keeps. A field can carry text from a client (a
    /// method name, say), and a client must not be able to fill the disk through the logs.
    static let maximumValueBytes = 256

    static func quoted(_ whole: String) -> String {
        let value = whole.clipped(to: maximumValueBytes)
        if value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }) {
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            return "\"\(escaped)\""
        }
        return value
    }
}
