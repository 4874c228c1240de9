import CSystem
import Glibc
import MeshProtocol

/// Accepts connections on a Unix socket and hands them to one delegate.
///
/// The socket is created under a umask that leaves it 0600 from the first instant, only peers whose
/// uid is trusted are kept, and connections past the limit get one UNAVAILABLE error frame and are
/// closed. `@unchecked Sendable`: mutable state is touched only on `loop`'s thread.
public final class UnixServer: EventLoopHandler, @unchecked Sendable {
    public let path: String
    public let loop: EventLoop
    public let limits: ServerLimits
    public let trustedUIDs: Set<uid_t>
    /// The socket file's mode once bound: 0600, or wider when other users are trusted.
    public let socketMode: mode_t
    /// The advice in the rejection of an untrusted peer, after the uids this server trusts.
    public let untrustedAdvice: String
    private let delegate: any ServerDelegate
    private var listenDescriptor: Int32 = -1
    private var connections: [Int32: SocketConnection] = [:]
    private var sweepTimer: TimerHeap.Token?
    private var acceptingPaused = false
    /// The socket file this server bound, to tell it from a file put in its place.
    private var boundFile: FileIdentity?
    /// The last problem the delegate heard of, so it hears of each once until the file is back.
    private var lastReported: SocketFileChange?

    public init(
        path: String,
        loop: EventLoop,
        limits: ServerLimits = ServerLimits(),
        trustedUIDs: Set<uid_t> = [getuid()],
        socketMode: mode_t = 0o600,
        untrustedAdvice: String = "connect as the user that runs the mesh",
        delegate: any ServerDelegate
    ) {
        self.path = path
        self.loop = loop
        self.limits = limits
        self.trustedUIDs = trustedUIDs
        self.socketMode = socketMode
        self.untrustedAdvice = untrustedAdvice
        self.delegate = delegate
    }

    public var connectionCount: Int {
        loop.assertInLoop()
        return connections.count
    }

    /// Binds and listens. Throws when the path is too long, not a socket, or served by a live process.
    ///
    /// Once a second the server checks that its socket file is still at the path. When it was removed
    /// (a cleaner of /tmp, a mistaken `rm`), the server binds a new one, because otherwise nothing could
    /// reach the process although it runs. When another file took the path, it leaves that alone. The
    /// delegate hears of both.
    public func start() throws(TransportError) {
        try UnixSocketPath.validate(path)
        try UnixSocketPath.clearStale(path)
        let descriptor = try bindAndListen()

        listenDescriptor = descriptor
        boundFile = FileIdentity(path)
        let failure: SystemError? = runOnLoop {
            do throws(SystemError) {
                try loop.register(descriptor, handler: self)
                scheduleSweep()
                return nil
            } catch {
                return error
            }
        }
        if let error = failure {
            close(descriptor)
            throw TransportError("could not watch '\(path)': \(error)")
        }
    }

    /// Creates the socket file at `path` under a restrictive umask and listens on it.
    private func bindAndListen() throws(TransportError) -> Int32 {
        let descriptor = csystem_socket_unix()
        guard descriptor >= 0 else {
            throw TransportError("socket() failed: \(String(cString: strerror(errno)))")
        }

        let previousMask = umask(0o177)
        let bound = csystem_bind_unix(descriptor, path)
        let bindErrno = errno
        umask(previousMask)
        guard bound == 0 else {
            close(descriptor)
            throw TransportError("bind failed on '\(path)': \(String(cString: strerror(bindErrno)))")
        }
        // Widening after the bind opens no window: the file starts at 0600 and only gains readers.
        chmod(path, socketMode)

        guard listen(descriptor, 1024) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw TransportError("listen failed on '\(path)': \(reason)")
        }
        return descriptor
    }

    /// Binds a new socket file when this server's file is gone from the path, and reports to the
    /// delegate when another file took its place.
    private func checkSocketFile() {
        guard listenDescriptor >= 0, let boundFile else {
            return
        }
        let current = FileIdentity(path)
        if current == boundFile {
            lastReported = nil
            return
        }
        if current != nil {
            report(.replaced)
            return
        }

        do throws(TransportError) {
            let descriptor = try bindAndListen()
            do throws(SystemError) {
                try loop.register(descriptor, handler: self)
            } catch {
                close(descriptor)
                throw TransportError("could not watch '\(path)': \(error)")
            }
            loop.deregister(listenDescriptor)
            close(listenDescriptor)
            listenDescriptor = descriptor
            acceptingPaused = false
            self.boundFile = FileIdentity(path)
            lastReported = nil
            delegate.server(self, socketFileChanged: .restored)
        } catch {
            report(.restoreFailed(error.description))
        }
    }

    private func report(_ change: SocketFileChange) {
        guard change != lastReported else {
            return
        }
        lastReported = change
        delegate.server(self, socketFileChanged: change)
    }

    /// Stops accepting, closes every connection and removes the socket file, unless another file has
    /// taken its path.
    public func stop() {
        let _: Void = runOnLoop {
            if let sweepTimer {
                loop.cancelTimer(sweepTimer)
            }
            if listenDescriptor >= 0 {
                loop.deregister(listenDescriptor)
                close(listenDescriptor)
                listenDescriptor = -1
                if let boundFile, FileIdentity(path) == boundFile {
                    unlink(path)
                }
            }
            for connection in Array(connections.values) {
                connection.close()
            }
        }
    }

    public func handleReadable() {
        while true {
            let descriptor = csystem_accept4(listenDescriptor)
            if descriptor < 0 {
                if errno == EINTR {
                    continue
                }
                if errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM {
                    pauseAccepting()
                }
                // EAGAIN means the backlog is drained.
                return
            }
            accept(descriptor)
        }
    }

    public func handleWritable() {}

    public func handleHangup() {}

    private func accept(_ descriptor: Int32) {
        let connection = SocketConnection(
            descriptor: descriptor,
            loop: loop,
            maximumFrameLength: limits.maximumFrameBytes,
            maximumOutboundBytes: limits.maximumOutboundBytes
        )
        connection.answersAfterPeerFinishes = true

        var uid: uid_t = 0
        var pid: Int32 = 0
        if csystem_peer_uid(descriptor, &uid, &pid) == 0 {
            connection.peerUID = uid
            connection.peerPID = pid
        }

        do {
            try loop.register(descriptor, handler: connection)
        } catch {
            return
        }

        guard let peer = connection.peerUID, trustedUIDs.contains(peer) else {
            let peerText = connection.peerUID.map { "uid \($0)" } ?? "a peer whose uid could not be read"
            let trusted = trustedUIDs.sorted()
            reject(
                connection,
                RPCError(
                    .permissionDenied,
                    "\(peerText) is not trusted by this process, which trusts uid "
                        + trusted.map(String.init).joined(separator: ", ") + "; \(untrustedAdvice)",
                    details: [
                        "reason": "peer_uid", "peer_uid": connection.peerUID.map { .int(Int64($0)) } ?? .null,
                        "trusted_uids": .array(trusted.map { .int(Int64($0)) }),
                    ]
                ))
            return
        }
        guard connections.count < limits.maximumConnections else {
            reject(
                connection,
                RPCError(
                    .unavailable,
                    "too many connections (limit \(limits.maximumConnections)); retry later or reuse a connection",
                    details: ["reason": "connections", "limit": .int(Int64(limits.maximumConnections))],
                    retryAfterMs: 100
                )
            )
            return
        }

        connections[descriptor] = connection
        connection.delegate = delegate
        connection.onClose = { [weak self] closed in
            self?.connections[closed.descriptor] = nil
        }
        delegate.server(self, didAccept: connection)
    }

    /// Stops watching the listening socket for 100 ms after accept failed for want of descriptors or
    /// memory. The pending connections wait in the kernel's backlog, and the socket stays readable,
    /// so watching it meanwhile would wake the loop in a tight circle. Open connections keep being served.
    private func pauseAccepting() {
        guard !acceptingPaused else {
            return
        }
        acceptingPaused = true
        loop.update(listenDescriptor, readable: false, writable: false)
        loop.schedule(after: .milliseconds(100)) { [weak self] in
            guard let self, self.listenDescriptor >= 0 else {
                return
            }
            self.acceptingPaused = false
            self.loop.update(self.listenDescriptor, readable: true, writable: false)
        }
    }

    private func reject(_ connection: SocketConnection, _ error: RPCError) {
        connection.send(RPCEnvelope.encodeError(id: nil, error: error))
        connection.closeAfterFlush()
    }

    private func scheduleSweep() {
        sweepTimer = loop.schedule(after: .seconds(1)) { [weak self] in
            self?.sweep()
            self?.scheduleSweep()
        }
    }

    /// Closes connections stalled in the middle of a frame or idle past the limits, and checks the socket
    /// file.
    private func sweep() {
        checkSocketFile()
        let now = ContinuousClock.now
        for connection in Array(connections.values) {
            let quiet = now - connection.lastActivity
            if connection.isWaitingForPeerToRead {
                // The peer is not reading its replies, so a partial frame may wait on that, not on the
                // peer's sending. Only a peer that reads nothing for the idle timeout loses the connection.
                if quiet > limits.idleTimeout {
                    connection.close()
                }
            } else if connection.isHeld {
                // The server stopped reading, so the rest of a partial frame waits on the server.
                continue
            } else if connection.partialFrameBytes > 0 && quiet > limits.partialFrameTimeout {
                connection.close()
            } else if connection.inFlightCount == 0 && connection.outboundBytes == 0 && quiet > limits.idleTimeout {
                // A request that arrived since the loop last read is not idleness: closing now would drop it.
                if !connection.hasUnreadBytes {
                    connection.close()
                }
            }
        }
    }

    private func runOnLoop<T>(_ body: () -> T) -> T {
        loop.runAndWait(body)
    }
}

/// Hears about connections a server accepted. Called on the server's loop thread.
public protocol ServerDelegate: ConnectionDelegate {
    func server(_ server: UnixServer, didAccept connection: SocketConnection)
    func server(_ server: UnixServer, socketFileChanged change: SocketFileChange)
}

extension ServerDelegate {
    public func server(_ server: UnixServer, socketFileChanged change: SocketFileChange) {}
}

/// What happened to a server's socket file while it ran.
public enum SocketFileChange: Sendable, Equatable {
    /// The file was gone from the path, and the server bound a new one.
    case restored
    /// Another file took the path, so clients reach that instead of this server.
    case replaced
    /// The file was gone, and binding a new one failed with this message.
    case restoreFailed(String)
}

/// The device and inode of a file, which tell one file from another put at the same path.
struct FileIdentity: Equatable {
    let device: UInt64
    let inode: UInt64

    /// Reads the identity of the file at `path` without following a symbolic link, or returns nil when
    /// nothing is there.
    init?(_ path: String) {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            return nil
        }
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
    }
}
