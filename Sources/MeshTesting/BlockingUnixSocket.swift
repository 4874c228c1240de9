import Glibc

/// Opens plain blocking Unix stream sockets, for tests that write raw bytes.
public enum BlockingUnixSocket {
    /// Connects to `path` and returns the descriptor, or throws naming the path and errno's text.
    public static func connect(to path: String) throws(BlockingSocketError) -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            throw BlockingSocketError(message: "socket() failed: \(String(cString: strerror(errno)))")
        }

        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.prefix(buffer.count - 1).enumerated() {
                buffer[index] = byte
            }
        }
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw BlockingSocketError(message: "connect to \(path) failed: \(reason)")
        }
        return descriptor
    }
}

/// A failure to open a test socket.
public struct BlockingSocketError: Error, CustomStringConvertible {
    public let message: String

    public var description: String { message }
}
