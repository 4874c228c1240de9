import MeshProtocol
import Synchronization

/// A JSON-RPC client over one Unix-socket connection with many requests in flight.
///
/// Replies are matched to calls by id, in whatever order they arrive. At most
/// `Options.maximumInFlight` requests are on the connection at once; further calls queue in the client
/// and go out as replies arrive. When the server is down a call
/// fails at once with UNAVAILABLE; after a failed connect the client waits out a growing backoff
/// (up to `maximumBackoff`) before it tries again, failing calls fast meanwhile. Cancelling the calling
/// task sends `rpc.cancel` to the server.
public final class RPCClient: Sendable {
    public struct Options: Sendable {
        /// Calls waiting for a reply, sent or queued, past which a new call fails with RESOURCE_EXHAUSTED.
        public var maximumPending = 4096
        /// Requests written to the connection at once. Further calls wait in the client, so a server that
        /// allows this many in flight per connection (256 by default) never refuses one for that reason.
        public var maximumInFlight = 256
        public var initialBackoff: Duration = .milliseconds(50)
        public var maximumBackoff: Duration = .seconds(1)
        /// The largest reply frame accepted. The default is the largest frame limit a mesh can be given
        /// (`MESH_MAX_FRAME_BYTES`), so a client reads every reply whatever limit its mesh was given.
        public var maximumFrameBytes = 64 << 20
        /// The largest request frame sent. A larger call fails at once with INVALID_REQUEST, without
        /// being sent, instead of making the server close the connection of every call in flight. The
        /// default is the servers' default frame limit; set it to the mesh's `MESH_MAX_FRAME_BYTES`.
        public var maximumRequestBytes = FrameDecoder.defaultMaximumFrameLength
        /// How long a connection may stay quiet, with no call waiting, before the next call replaces it
        /// with a new one. A server closes a connection quiet for its idle timeout (300 s by default), and a
        /// request written just as it does so would be lost with the connection, so the default is half
        /// that. Set it below the mesh's `MESH_IDLE_TIMEOUT_MS`; nil keeps connections however long.
        public var replaceQuietConnectionAfter: Duration? = .seconds(150)

        public init() {}
    }

    public let path: String
    public let loop: EventLoop
    private let options: Options

    /// The size of the largest request this client sends; a larger one fails before it is sent.
    public var maximumRequestBytes: Int {
        options.maximumRequestBytes
    }
    private let nextID = Atomic<Int64>(1)
    private let state: LoopBound<ClientState>
    private let connections = ConnectionCounter()

    /// How many connections the client has made so far. A caller that checked who serves the socket
    /// checks again when the number has grown, since the path may lead to another process by then.
    public var connectionsMade: Int {
        connections.value.load(ordering: .acquiring)
    }

    public init(path: String, loop: EventLoop, options: Options = Options()) {
        self.path = path
        self.loop = loop
        self.options = options
        self.state = LoopBound(ClientState(path: path, options: options, connectionsMade: connections))
    }

    /// Sends `method` and waits for its reply.
    ///
    /// - Parameter timeout: how long to wait before failing with DEADLINE_EXCEEDED (and cancelling the
    ///   request on the server). Nil waits until the reply or the connection closes.
    /// - Parameter lane: the caller the call is made for. While the in-flight window is full, calls wait
    ///   in one queue per lane, served in turn, so no caller's calls wait behind all of another's.
    public func call(
        _ method: String,
        params: JSONValue? = nil,
        meta: RequestMeta = RequestMeta(),
        timeout: Duration? = nil,
        lane: String = ""
    ) async throws(RPCError) -> JSONValue {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        let payload = RPCEnvelope.encodeRequest(id: .int(id), method: method, params: params, meta: meta)

        // A call that waits in the queue for room in the window is encoded again when it goes out, so
        // meta.timeout_ms gives the server what is left of the budget then.
        let budget = meta.timeoutMs.map { milliseconds in
            ClientState.Budget(deadline: .now + .milliseconds(milliseconds)) { remaining in
                var current = meta
                current.timeoutMs = remaining
                return RPCEnvelope.encodeRequest(id: .int(id), method: method, params: params, meta: current)
            }
        }
        let outcome = await send(id: id, payload: payload, budget: budget, timeout: timeout, lane: lane)
        return try outcome.get()
    }

    /// Sends an already encoded request whose id is `id` and waits for its reply.
    public func send(id: Int64, payload: [UInt8], timeout: Duration?) async -> Result<JSONValue, RPCError> {
        await send(id: id, payload: payload, budget: nil, timeout: timeout, lane: "")
    }

    private func send(
        id: Int64,
        payload: [UInt8],
        budget: ClientState.Budget?,
        timeout: Duration?,
        lane: String
    ) async -> Result<JSONValue, RPCError> {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<JSONValue, RPCError>, Never>) in
                let started = loop.executeIfRunning { [state, loop] in
                    state.value.start(
                        id: id, payload: payload, budget: budget, timeout: timeout, lane: lane, loop: loop,
                        continuation: continuation)
                }
                if !started {
                    continuation.resume(returning: .failure(Self.loopEnded(path)))
                }
            }
        } onCancel: {
            loop.execute { [state] in
                state.value.cancel(id: id)
            }
        }
    }

    private static func loopEnded(_ path: String) -> RPCError {
        RPCError(
            .unavailable,
            "the event loop of the client for '\(path)' has stopped, so the call was not sent; make calls only "
                + "while the loop given to the client runs",
            retryable: false
        )
    }

    /// Allocates an id for a request the caller encodes itself.
    public func makeID() -> Int64 {
        nextID.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// Sends a notification: no id, no reply.
    public func notify(_ method: String, params: JSONValue? = nil, meta: RequestMeta = RequestMeta()) {
        let payload = RPCEnvelope.encodeRequest(id: nil, method: method, params: params, meta: meta)
        loop.execute { [state, loop] in
            state.value.sendWithoutReply(payload, loop: loop)
        }
    }

    /// Returns how many calls were written and wait for their reply, and how many wait for room in the
    /// in-flight window, unsent.
    public func callCounts() -> (sent: Int, queued: Int) {
        loop.runAndWait {
            state.value.callCounts
        }
    }

    /// Closes the connection; calls in flight fail with UNAVAILABLE.
    public func close() {
        loop.runAndWait {
            state.value.shutDown()
        }
    }
}

/// A value that only the owning event loop's thread touches.
///
/// `@unchecked Sendable`: every access goes through closures run on that loop (`loop.execute`).
final class LoopBound<Value>: @unchecked Sendable {
    var value: Value

    init(_ value: Value) {
        self.value = value
    }
}
