import Foundation
import Glibc
import Synchronization

/// A TCP listener on 127.0.0.1 (on a port the kernel picks) that serves one connection at a time on its
/// own thread, for the stand-in receivers of webhook posts and SMTP mail.
public final class LoopbackListener: Sendable {
    public let port: UInt16
    private let listener: Int32
    private let stopped = Mutex(false)

    /// Starts listening and calls `serve` with each accepted connection, which it closes afterwards.
    public init(serve: @escaping @Sendable (Int32) -> Void) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0 else {
            throw ReceiverFailure("socket: \(String(cString: strerror(errno)))")
        }

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 16) == 0 else {
            close(listener)
            throw ReceiverFailure("bind/listen: \(String(cString: strerror(errno)))")
        }

        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        port = UInt16(bigEndian: address.sin_port)

        let thread = Thread {
            Self.acceptLoop(listener, serve: serve)
        }
        thread.start()
    }

    /// Stops accepting: the accept loop wakes up, closes the socket and ends. Every test calls this when
    /// it is done, so no thread outlives it.
    public func stop() {
        let wasStopped = stopped.withLock { flag in
            defer { flag = true }
            return flag
        }
        if !wasStopped {
            shutdown(listener, Int32(SHUT_RDWR))
        }
    }

    private static func acceptLoop(_ listener: Int32, serve: @Sendable (Int32) -> Void) {
        defer { close(listener) }
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR {
                    continue
                }
                return
            }
            serve(connection)
            close(connection)
        }
    }
}

/// A stand-in receiver that could not start listening, with the failed call and the system error.
public struct ReceiverFailure: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
