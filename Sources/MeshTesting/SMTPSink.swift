import Foundation
import Glibc
import Synchronization

/// A stand-in SMTP relay on 127.0.0.1 that speaks enough of RFC 5321 for libcurl: the greeting, EHLO,
/// MAIL, RCPT, DATA, RSET, NOOP and QUIT. It replies `failureReply` (451 by default) to the data of its
/// first `failFirst` messages and 250 afterwards, and keeps every message it accepted. With `answersData`
/// false it keeps each message and closes the connection without a reply to its data, like a relay that
/// failed just then. Its `gate` can hold the reply to one chosen message, so a test can stop the sender
/// while it is in flight.
public final class SMTPSink: Sendable {
    public struct Message: Sendable {
        public let sender: String
        public let recipients: [String]
        /// The data as received, dot-stuffing removed, without the final `.` line.
        public let data: String

        /// The local part of the data's `Message-ID` header (the mesh's message id), or nil without one.
        public var messageID: String? {
            let header = "Message-ID: <"
            return data.split(separator: "\r\n").first { $0.hasPrefix(header) }.map { line in
                String(line.dropFirst(header.count).prefix { $0 != "@" })
            }
        }
    }

    private struct State {
        var messages: [Message] = []
        var failuresLeft: Int
    }

    private let state: Mutex<State>
    private let answersData: Bool
    private let failureReply: String
    private let listener = Mutex<LoopbackListener?>(nil)
    public let gate: ReplyGate

    public init(
        failFirst: Int = 0, failureReply: String = "451 4.3.0 try again later", answersData: Bool = true,
        gate: ReplyGate = ReplyGate()
    ) throws {
        state = Mutex(State(failuresLeft: failFirst))
        self.failureReply = failureReply
        self.answersData = answersData
        self.gate = gate
        let started = try LoopbackListener { [self] connection in serve(connection) }
        listener.withLock { $0 = started }
    }

    /// The URL to configure as `MESH_SMTP_URL`.
    public var url: String {
        "smtp://127.0.0.1:\(listener.withLock { $0?.port ?? 0 })"
    }

    public var messages: [Message] {
        state.withLock { $0.messages }
    }

    /// Stops accepting and releases a held reply. The listener keeps a reference to the sink, so every test
    /// calls this when done.
    public func stop() {
        listener.withLock { $0?.stop() }
        gate.release()
    }

    private func serve(_ connection: Int32) {
        var lines = LineReader(connection: connection)
        var sender = ""
        var recipients: [String] = []

        reply(connection, "220 sink.test ESMTP")
        while let line = lines.next() {
            let command = line.prefix(4).uppercased()
            switch command {
            case "EHLO", "HELO":
                reply(connection, "250 sink.test")
            case "MAIL":
                sender = Self.address(in: line)
                recipients = []
                reply(connection, "250 OK")
            case "RCPT":
                recipients.append(Self.address(in: line))
                reply(connection, "250 OK")
            case "DATA":
                reply(connection, "354 End data with <CR><LF>.<CR><LF>")
                var data: [String] = []
                while let dataLine = lines.next(), dataLine != "." {
                    data.append(dataLine.hasPrefix("..") ? String(dataLine.dropFirst()) : dataLine)
                }
                let accepted = accept(
                    Message(sender: sender, recipients: recipients, data: data.joined(separator: "\r\n")))
                gate.arrived()
                guard answersData else {
                    return
                }
                reply(connection, accepted ? "250 OK queued" : failureReply)
            case "RSET", "NOOP":
                reply(connection, "250 OK")
            case "QUIT":
                reply(connection, "221 bye")
                return
            default:
                reply(connection, "502 command not implemented")
            }
        }
    }

    private func accept(_ message: Message) -> Bool {
        state.withLock { state in
            guard state.failuresLeft == 0 else {
                state.failuresLeft -= 1
                return false
            }
            state.messages.append(message)
            return true
        }
    }

    private func reply(_ connection: Int32, _ line: String) {
        let bytes = Array((line + "\r\n").utf8)
        _ = bytes.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Returns the address between `<` and `>` in a MAIL or RCPT command.
    private static func address(in line: String) -> String {
        guard let open = line.firstIndex(of: "<"), let close = line.lastIndex(of: ">"), open < close else {
            return ""
        }
        return String(line[line.index(after: open)..<close])
    }
}

/// Reads CRLF-terminated lines from a socket.
private struct LineReader {
    let connection: Int32
    var buffer: [UInt8] = []

    mutating func next() -> String? {
        while true {
            if let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var line = buffer[..<end]
                if line.last == UInt8(ascii: "\r") {
                    line = line.dropLast()
                }
                buffer.removeSubrange(...end)
                return String(decoding: line, as: UTF8.self)
            }

            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else {
                return nil
            }
            buffer.append(contentsOf: chunk[..<count])
        }
    }
}
