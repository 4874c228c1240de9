import CSystem
import Glibc

extension SocketConnection {
    /// Connects to the Unix socket at `path` and registers the connection with `loop`. Loop thread only.
    ///
    /// Throws at once when nothing listens there (no socket file, refused, or a full backlog), so
    /// callers can fail fast instead of waiting.
    ///
    /// - Parameter maximumOutboundBytes: queued outbound bytes past which the connection stops
    ///   reading. Nil, the default, keeps reading whatever is queued: a client must go on reading
    ///   replies, or it and a server that waits for it to read would wait for each other forever.
    public static func connect(
        to path: String,
        loop: EventLoop,
        maximumFrameBytes: Int = 1 << 20,
        maximumOutboundBytes: Int? = nil
    ) throws(TransportError) -> SocketConnection {
        loop.assertInLoop()
        try UnixSocketPath.validate(path)

        let descriptor = csystem_socket_unix()
        guard descriptor >= 0 else {
            throw TransportError("socket() failed: \(String(cString: strerror(errno)))")
        }

        var result: Int32
        repeat {
            result = csystem_connect_unix(descriptor, path)
        } while result != 0 && errno == EINTR
        if result != 0 {
            let code = errno
            Glibc.close(descriptor)
            let folder = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
            // Another user's 0700 home hides its run/ folder, but not its own owner.
            let home = String(folder[..<(folder.lastIndex(of: "/") ?? folder.startIndex)])
            let owner =
                FileOwner.uid(of: folder.isEmpty ? "." : folder) ?? (home.isEmpty ? nil : FileOwner.uid(of: home))
            throw TransportError(
                UnixSocketPath.connectFailure(path, errno: code, folderOwner: owner),
                isPermissionDenied: code == EACCES || code == EPERM, isNotASocket: UnixSocketPath.isNotASocket(path),
                isFolderMissing: code == ENOENT && UnixSocketPath.missingFolder(of: path) != nil)
        }

        let connection = SocketConnection(
            descriptor: descriptor,
            loop: loop,
            maximumFrameLength: maximumFrameBytes,
            maximumOutboundBytes: maximumOutboundBytes
        )
        do {
            try loop.register(descriptor, handler: connection)
        } catch {
            throw TransportError("could not watch the connection to '\(path)': \(error)")
        }
        return connection
    }
}
