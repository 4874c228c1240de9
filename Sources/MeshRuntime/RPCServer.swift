import MeshProtocol
import MeshStore
import MeshTransport

/// Serves JSON-RPC on a Unix socket: decodes each frame, answers built-ins on the loop thread, runs
/// every other method as a task, and enforces the per-connection in-flight cap, deadlines and
/// cancellation.
///
/// `@unchecked Sendable`: the server's own state is immutable after init; per-connection state lives in
/// `ConnectionRequests`, touched only on the loop thread.
public final class RPCServer: ServerDelegate, @unchecked Sendable {
    public struct Configuration: Sendable {
        public var processName: String
        public var limits = ServerLimits()
        public var maximumInFlight = 256
        /// The budget a request gets when it carries no `meta.timeout_ms`; nil means none.
        public var defaultTimeout: Duration?
        /// Whether `meta.caller` from a peer is believed. Services believe the gateway; the gateway
        /// itself faces clients and drops whatever caller they claim.
        public var trustsCaller = true
        /// How long the event loop polls before sleeping after a turn with events (see `EventLoop`).
        public var busyPoll: Duration = .zero

        public init(processName: String) {
            self.processName = processName
        }
    }

    public let configuration: Configuration
    let methods: MethodTable
    let logger: Logger
    let clock: MeshClock
    let peers: PeerDirectory
    let health: @Sendable () -> JSONValue
    let startedAt = ContinuousClock.now
    /// Replaces the method table for one request, used by the gateway to route any public method.
    let fallback: MethodEntry.Handler?
    let describeExtension: (@Sendable (_ withSchemas: Bool, _ context: MethodContext) async -> [String: JSONValue])?

    public init(
        configuration: Configuration,
        methods: MethodTable,
        logger: Logger,
        clock: MeshClock,
        peers: PeerDirectory,
        health: @escaping @Sendable () -> JSONValue,
        fallback: MethodEntry.Handler? = nil,
        describeExtension: (@Sendable (_ withSchemas: Bool, _ context: MethodContext) async -> [String: JSONValue])? =
            nil
    ) {
        self.describeExtension = describeExtension
        self.configuration = configuration
        self.methods = methods
        self.logger = logger
        self.clock = clock
        self.peers = peers
        self.health = health
        self.fallback = fallback
    }

    // MARK: ServerDelegate

    public func server(_ server: UnixServer, didAccept connection: SocketConnection) {
        connection.context = ConnectionRequests()
        logger.trace("connection.accepted", ["fd": "\(connection.descriptor)"])
    }

    public func server(_ server: UnixServer, socketFileChanged change: SocketFileChange) {
        switch change {
        case .restored:
            logger.warning(
                "socket.restored",
                [
                    "path": server.path,
                    "advice": "the socket file was removed while the process ran; it was bound again",
                ])
        case .replaced:
            logger.error(
                "socket.replaced",
                [
                    "path": server.path,
                    "advice": "another file now has this process's socket path, so clients reach that instead; "
                        + "remove it, and this process binds its socket again within a second",
                ])
        case .restoreFailed(let message):
            logger.error("socket.restore_failed", ["path": server.path, "error": message])
        }
    }

    public func connection(_ connection: SocketConnection, didReceive payload: UnsafeRawBufferPointer) {
        switch RPCEnvelope.decodeIncoming(payload) {
        case .failure(let failure):
            let reply = RPCEnvelope.encodeError(id: failure.id, error: failure.error)
            connection.send(fitToFrame(reply, id: failure.id, method: "this request"))

        case .success(.single(let request)):
            handle(request, on: connection) { reply in
                if let reply {
                    connection.send(reply)
                }
            }

        case .success(.batch(let items)):
            let collector = BatchCollector(count: items.count) { replies in
                if !replies.isEmpty {
                    connection.send(self.fitBatch(replies))
                }
            }
            for (index, item) in items.enumerated() {
                switch item {
                case .failure(let failure):
                    let reply = RPCEnvelope.encodeError(id: failure.id, error: failure.error)
                    collector.fill(index, BatchCollector.Reply(id: failure.id, bytes: reply))
                case .success(let request):
                    handle(request, on: connection) { reply in
                        collector.fill(index, reply.map { BatchCollector.Reply(id: request.id, bytes: $0) })
                    }
                }
            }
        }
    }

    public func connection(_ connection: SocketConnection, didFailFraming error: FrameError) {
        logger.debug("connection.framing_failed", ["error": error.description])
        var details: JSONValue?
        if case .frameTooLarge(let length, let maximum) = error {
            // A client can tell from these which of its requests was too large: that one was not run.
            details = ["length": .int(Int64(length)), "limit": .int(Int64(maximum))]
        }
        let reply = RPCError(.invalidRequest, "\(error); the connection will be closed", details: details)
        connection.send(RPCEnvelope.encodeError(id: nil, error: reply))
        connection.closeAfterFlush()
    }

    public func connectionDidClose(_ connection: SocketConnection) {
        guard let requests = connection.context as? ConnectionRequests else {
            return
        }
        // A client that closes its connection no longer wants its responses.
        for entry in requests.removeAll() {
            entry.task?.cancel()
            if let timer = entry.timer {
                connection.loop.cancelTimer(timer)
            }
        }
    }
}

/// The requests in flight on one connection. Loop thread only.
final class ConnectionRequests {
    struct Entry {
        let clientID: RPCID?
        var task: Task<Void, Never>?
        var timer: TimerHeap.Token?
        /// Sends the request's response. Whichever of completion, deadline or cancel removes the
        /// entry first calls it, so it runs once.
        let respond: (Result<JSONValue, RPCError>) -> Void
    }

    /// A notification that arrived while the connection was at its in-flight limit, with the reply
    /// its frame or batch expects once it has run.
    struct HeldNotification {
        let request: RPCRequest
        let reply: ([UInt8]?) -> Void
    }

    /// Notifications waiting for a free slot, oldest first. A notification cannot carry a refusal
    /// back, so it waits instead, and the connection reads nothing more meanwhile.
    var waitingNotifications: [HeldNotification] = []

    private var nextSequence: UInt64 = 0
    private(set) var entries: [UInt64: Entry] = [:]
    private var byClientID: [RPCID: UInt64] = [:]

    var count: Int { entries.count }

    func add(clientID: RPCID?, respond: @escaping (Result<JSONValue, RPCError>) -> Void) -> UInt64 {
        nextSequence += 1
        entries[nextSequence] = Entry(clientID: clientID, task: nil, timer: nil, respond: respond)
        if let clientID {
            byClientID[clientID] = nextSequence
        }
        return nextSequence
    }

    func update(_ sequence: UInt64, _ change: (inout Entry) -> Void) {
        guard var entry = entries[sequence] else {
            return
        }
        change(&entry)
        entries[sequence] = entry
    }

    func remove(_ sequence: UInt64) -> Entry? {
        guard let entry = entries.removeValue(forKey: sequence) else {
            return nil
        }
        if let clientID = entry.clientID, byClientID[clientID] == sequence {
            byClientID[clientID] = nil
        }
        return entry
    }

    func sequence(forClientID id: RPCID) -> UInt64? {
        byClientID[id]
    }

    func removeAll() -> [Entry] {
        let all = Array(entries.values)
        entries.removeAll()
        byClientID.removeAll()
        // NOTE: notifications still waiting for a slot are dropped with the connection, unrun.
        waitingNotifications.removeAll()
        return all
    }
}
