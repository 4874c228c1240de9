import Foundation
import MeshProtocol
import Synchronization

/// The destination of log lines: a descriptor (standard error, by default), or memory for tests.
///
/// A line that cannot be written (a full disk, a reader that went away, `2>/dev/full`) is dropped and
/// counted, and the process goes on, because logging must never stop a process. The next line that can
/// be written is preceded by `log.lines_dropped count=N last_error=...` with the number of lost lines.
public final class LogSink: Sendable {
    public static let standardError = LogSink(descriptor: 2)

    private struct Losses {
        var dropped = 0
        var lastError: Int32 = 0
        /// Whether a failed write left part of a line without its newline.
        var lineCut = false

        /// Counts a line as dropped when `outcome` is a failure.
        mutating func note(_ outcome: (written: Int, failure: Int32?)) {
            guard let failure = outcome.failure else {
                return
            }
            dropped += 1
            lastError = failure
            lineCut = lineCut || outcome.written > 0
        }
    }

    private let descriptor: Int32?
    private let lines = Mutex<[String]>([])
    /// Held while a line is written, so lines from several threads never interleave.
    private let losses = Mutex(Losses())

    private init(descriptor: Int32?) {
        self.descriptor = descriptor
    }

    /// Returns a sink that keeps lines in memory so tests can read them.
    public static func memory() -> LogSink {
        LogSink(descriptor: nil)
    }

    /// Returns a sink that writes to `descriptor`, which stays owned by the caller.
    public static func descriptor(_ descriptor: Int32) -> LogSink {
        LogSink(descriptor: descriptor)
    }

    public var captured: [String] {
        lines.withLock { $0 }
    }

    /// The lines dropped since the last line that could be written.
    public var droppedLines: Int {
        losses.withLock { $0.dropped }
    }

    func write(_ line: String, label: String) {
        guard let descriptor else {
            lines.withLock { $0.append(line) }
            return
        }

        losses.withLock { losses in
            if losses.dropped > 0 {
                // A newline first ends the part of a line that a failed write left behind.
                let report =
                    (losses.lineCut ? "\n" : "")
                    + "\(LogSink.timestamp()) warning \(label): log.lines_dropped count=\(losses.dropped) "
                    + "last_error=\(LogSink.quoted(String(cString: strerror(losses.lastError))))\n"
                let outcome = DescriptorWriter.write(descriptor, Array(report.utf8))
                guard outcome.failure == nil else {
                    // The line that brought the report is lost too.
                    losses.note(outcome)
                    return
                }
                losses = Losses()
            }

            losses.note(DescriptorWriter.write(descriptor, Array((line + "\n").utf8)))
        }
    }

    static func timestamp() -> String {
        UTCTime.iso8601(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// The maximum bytes of one field value that a log line keeps. A field can carry text from a client (a
    /// method name, say), and a client must not be able to fill the disk through the logs.
    static let maximumValueBytes = 256

    /// Reads back a value that `quoted(_:)` wrote at the start of `text`, up to the value's end.
    public static func unquoted(_ text: Substring) -> String {
        guard text.first == "\"" else {
            return String(text.prefix { $0 != " " })
        }

        var value = ""
        var escaped = false
        for character in text.dropFirst() {
            if escaped {
                value.append(character == "n" ? "\n" : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                break
            } else {
                value.append(character)
            }
        }
        return value
    }

    static func quoted(_ whole: String, clipping: Bool = true) -> String {
        let value = clipping ? whole.clipped(to: maximumValueBytes) : whole
        if value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }) {
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            return "\"\(escaped)\""
        }
        return value
    }
}
