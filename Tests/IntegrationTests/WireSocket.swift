import Foundation
import MeshProtocol
import MeshTesting

/// A plain blocking Unix socket that writes any bytes at all and reads frames, for tests that break
/// the protocol on purpose.
///
/// Its calls block, so tests run it on a thread of their own through `onOwnThread`, never on the
/// cooperative pool that the rest of the test process shares. `@unchecked Sendable`: it has no
/// mutable state besides the kernel's, so one thread may read while another writes. The tests never
/// read from two threads at once.
final class WireSocket: @unchecked Sendable {
    /// How a read ended when it did not deliver a whole frame.
    enum ReadEnd: Equatable {
        case frame([UInt8])
        /// The peer closed the connection (end of stream) or reset it.
        case closed
        /// Nothing arrived within the receive timeout.
        case timedOut
    }

    let path: String
    let descriptor: Int32

    /// Connects to the socket at `path`. Reads give up after `receiveTimeout`; with a `sendTimeout`,
    /// `trySend` gives up after it too.
    init(path: String, receiveTimeout: Duration = .seconds(20), sendTimeout: Duration? = nil) throws {
        self.path = path
        do {
            descriptor = try BlockingUnixSocket.connect(to: path)
        } catch {
            throw WireFailure(error.message)
        }

        var timeout = timeval(tv_sec: Int(receiveTimeout.components.seconds), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if let sendTimeout {
            var timeout = timeval(tv_sec: Int(sendTimeout.components.seconds), tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }
    }

    deinit {
        close(descriptor)
    }

    // MARK: Writing

    /// Writes every byte, blocking while the socket buffer is full. Throws when the peer is gone.
    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                Glibc.send(descriptor, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                if errno == EINTR {
                    continue
                }
                throw WireFailure("send to \(path) failed after \(offset) of \(bytes.count) bytes: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// Writes what the socket takes within the send timeout and returns how many bytes that was: 0
    /// when the peer has stopped reading. Throws when the peer is gone.
    func trySend(_ bytes: ArraySlice<UInt8>) throws -> Int {
        while true {
            let written = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written >= 0 {
                return written
            }
            if errno == EINTR {
                continue
            }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                return 0
            }
            throw WireFailure("send to \(path) failed: \(String(cString: strerror(errno)))")
        }
    }

    func sendFrame(_ payload: [UInt8]) throws {
        try send(FrameEncoder.frame(payload))
    }

    func sendFrame(_ text: String) throws {
        try sendFrame(Array(text.utf8))
    }

    /// Closes the writing half: the server reads end of stream, and this side can still read.
    func shutdownWrite() {
        shutdown(descriptor, Int32(SHUT_WR))
    }

    // MARK: Reading

    func read() -> ReadEnd {
        switch readExactly(4) {
        case .frame(let header):
            let length = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
            return readExactly(length)
        case let other:
            return other
        }
    }

    /// Reads one reply and parses it, or fails naming what came instead.
    func readReply() throws -> JSONValue {
        switch read() {
        case .frame(let payload):
            do {
                return try JSONParser.parse(payload)
            } catch {
                throw WireFailure("reply from \(path) is not JSON (\(error)): \(String(decoding: payload.prefix(200), as: UTF8.self))")
            }
        case .closed:
            throw WireFailure("\(path) closed the connection instead of replying")
        case .timedOut:
            throw WireFailure("no reply from \(path) within the receive timeout")
        }
    }

    /// Sends one frame and reads one reply.
    func call(_ payload: [UInt8]) throws -> JSONValue {
        try sendFrame(payload)
        return try readReply()
    }

    func call(_ text: String) throws -> JSONValue {
        try call(Array(text.utf8))
    }

    /// Pings the socket at `path` on a fresh connection and returns the result.
    static func ping(_ path: String) throws -> JSONValue? {
        let socket = try WireSocket(path: path, receiveTimeout: .seconds(10))
        return try socket.call(#"{"jsonrpc":"2.0","id":"alive","method":"rpc.ping"}"#)["result"]
    }

    /// Waits for the peer to close, failing when a frame or nothing arrives instead.
    func expectClosed() throws {
        switch read() {
        case .closed:
            return
        case .frame(let payload):
            throw WireFailure("expected \(path) to close the connection, but it sent \(String(decoding: payload.prefix(200), as: UTF8.self))")
        case .timedOut:
            throw WireFailure("expected \(path) to close the connection, but it stayed open")
        }
    }

    private func readExactly(_ count: Int) -> ReadEnd {
        var buffer = [UInt8](repeating: 0, count: count)
        var received = 0
        while received < count {
            let result = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress! + received, count - received, 0) }
            if result > 0 {
                received += result
                continue
            }
            if result < 0 && errno == EINTR {
                continue
            }
            if result < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                return .timedOut
            }
            return .closed
        }
        return .frame(buffer)
    }
}

/// A test step that went wrong, described for the test log.
struct WireFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Runs blocking socket work on a thread of its own and waits for it without holding a thread of
/// the cooperative pool, which the other tests of the process share.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

extension JSONValue {
    /// The `error.code` of a response, nil for a success or anything else.
    var errorCode: Int64? {
        self["error"]?["code"]?.intValue
    }

    var errorStatus: String? {
        self["error"]?["data"]?["status"]?.stringValue
    }

    var errorMessage: String {
        self["error"]?["message"]?.stringValue ?? ""
    }
}
