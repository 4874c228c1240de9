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

    /// Writes one line. Values are cut at `LogSink.maximumValueBytes` unless `clipping` is false, which
    /// only text of the mesh's own making may use, never text a client sent.
    public func log(_ level: Level, _ message: StaticString, _ extra: [String: String] = [:], clipping: Bool = true) {
        guard level >= self.level else {
            return
        }

        var line = "\(LogSink.timestamp()) \(level) \(label): \(message)"
        let merged = metadata.merging(extra) { _, new in new }
        for key in merged.keys.sorted() {
            line += " \(key)=\(LogSink.quoted(merged[key]!, clipping: clipping))"
        }
        sink.write(line, label: label)
    }

    public func trace(_ message: StaticString, _ extra: [String: String] = [:]) { log(.trace, message, extra) }
    public func debug(_ message: StaticString, _ extra: [String: String] = [:]) { log(.debug, message, extra) }
    public func info(_ message: StaticString, _ extra: [String: String] = [:]) { log(.info, message, extra) }
    public func notice(_ message: StaticString, _ extra: [String: String] = [:]) { log(.notice, message, extra) }
    public func warning(_ message: StaticString, _ extra: [String: String] = [:]) { log(.warning, message, extra) }
    public func error(_ message: StaticString, _ extra: [String: String] = [:]) { log(.error, message, extra) }
}
