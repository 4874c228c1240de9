import Foundation
import Glibc
import MeshProtocol
import MeshTesting
import Synchronization

/// A tiny HTTP/1.1 server on 127.0.0.1 (on a port the kernel picks). It responds 500 to its first
/// `failFirst` requests and 200 afterwards, or, when `answers` is false, closes every connection
/// without a response once it has read the request. With `drip`, it sends its response a byte at a time,
/// `drip` apart. `interim` goes out before the response (an unasked `100 Continue`, say), and `response`
/// replaces the response. It keeps every request it received. Its `gate` can hold the response to one
/// chosen request, so a test can stop the sender while it is in flight.
final class LoopbackReceiver: Sendable {
    struct Request: Sendable {
        let requestLine: String
        let headers: [String: String]
        let body: String
    }

    private struct State {
        var requests: [Request] = []
        var failuresLeft: Int
    }

    private let state: Mutex<State>
    private let answers: Bool
    private let drip: Duration?
    private let interim: String
    private let response: String?
    private let listener = Mutex<LoopbackListener?>(nil)
    let gate: ReplyGate

    var port: UInt16 {
        listener.withLock { $0?.port ?? 0 }
    }

    init(
        failFirst: Int, answers: Bool = true, drip: Duration? = nil, interim: String = "", response: String? = nil,
        gate: ReplyGate = ReplyGate()
    ) throws {
        state = Mutex(State(failuresLeft: failFirst))
        self.answers = answers
        self.drip = drip
        self.interim = interim
        self.response = response
        self.gate = gate
        let started = try LoopbackListener { [self] connection in serve(connection) }
        listener.withLock { $0 = started }
    }

    var requests: [Request] {
        state.withLock { $0.requests }
    }

    func url(_ path: String = "/hooks/tenantmesh") -> String {
        "http://127.0.0.1:\(port)\(path)"
    }

    /// Stops accepting and releases a held response. The listener keeps a reference to the receiver, so
    /// every test calls this when it is done.
    func stop() {
        listener.withLock { $0?.stop() }
        gate.release()
    }

    private func serve(_ connection: Int32) {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var request: Request?
        while request == nil {
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else {
                return
            }
            received.append(contentsOf: chunk[..<count])
            request = Self.parse(received)
        }
        guard let request else {
            return
        }

        let fail = state.withLock { state in
            state.requests.append(request)
            guard state.failuresLeft > 0 else {
                return false
            }
            state.failuresLeft -= 1
            return true
        }
        gate.arrived()
        guard answers else {
            return
        }
        let status =
            fail
            ? "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
        let answer = interim + (response ?? status)
        let bytes = Array(answer.utf8)
        guard let drip else {
            _ = bytes.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            return
        }
        for byte in bytes {
            Thread.sleep(forTimeInterval: Double(drip.milliseconds) / 1000)
            guard withUnsafeBytes(of: byte, { send(connection, $0.baseAddress, 1, Int32(MSG_NOSIGNAL)) }) == 1 else {
                return
            }
        }
    }

    /// Parses the request once its headers and `Content-Length` bytes of body have arrived, else returns nil.
    private static func parse(_ bytes: [UInt8]) -> Request? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else {
            return nil
        }
        let lines = text[..<end.lowerBound].components(separatedBy: "\r\n")
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else {
                continue
            }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        let body = Array(text[end.upperBound...].utf8)
        guard body.count >= length else {
            return nil
        }
        return Request(
            requestLine: lines[0], headers: headers, body: String(decoding: body.prefix(length), as: UTF8.self))
    }
}
