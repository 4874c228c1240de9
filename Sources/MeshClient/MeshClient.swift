// Re-exported so that `import MeshClient` alone gives callers the types its methods take and return:
// JSONValue, RPCError, RPCStatus and the client options.
@_exported import MeshProtocol
import MeshTransport

@_exported import class MeshTransport.RPCClient

/// A Swift client of the gateway's public API over the mesh protocol.
///
/// It keeps one connection with many calls in flight, puts the API key in `meta.api_key` of every call,
/// and fails fast with UNAVAILABLE when the gateway is down. At most `Options.maximumInFlight` calls
/// (256, the gateway's limit per connection) are sent at once; more wait in the client. The typed
/// helpers in `MeshClient+Typed.swift` wrap the most common calls.
public final class MeshClient: Sendable {
    public let socketPath: String
    public let apiKey: String?
    private let options: RPCClient.Options
    private let shared: SharedConnection
    /// The caller a service believes, sent only by clients made with `service(socketPath:options:)`.
    private let caller: JSONValue?

    /// Connects lazily to the gateway socket at `socketPath` (for example `.mesh/run/gateway.sock`).
    ///
    /// - Throws: INTERNAL when the client's event-loop thread cannot start (the process is out of
    ///   threads or descriptors).
    public init(socketPath: String, apiKey: String?, options: RPCClient.Options = RPCClient.Options())
        throws(RPCError)
    {
        self.socketPath = socketPath
        self.apiKey = apiKey
        self.options = options
        self.shared = try SharedConnection(socketPath: socketPath, options: options)
        self.caller = nil
    }

    private init(sharing other: MeshClient, apiKey: String?) {
        self.socketPath = other.socketPath
        self.apiKey = apiKey
        self.options = other.options
        self.shared = other.shared
        self.caller = other.caller
    }

    private init(serviceSocketPath: String, options: RPCClient.Options) throws(RPCError) {
        self.socketPath = serviceSocketPath
        self.apiKey = nil
        self.options = options
        self.shared = try SharedConnection(socketPath: serviceSocketPath, options: options)
        self.caller = ["kind": "root"]
    }

    /// Returns a client for one service's own socket (`<home>/run/<service>.sock`) that acts as root,
    /// for testing a service served alone with `mesh serve`.
    ///
    /// A service believes the caller each request names, which the gateway sets after checking the
    /// API key. That is safe because only the user that runs the mesh can open a service's socket, and
    /// that user can read the root key anyway.
    public static func service(socketPath: String, options: RPCClient.Options = RPCClient.Options())
        throws(RPCError) -> MeshClient
    {
        try MeshClient(serviceSocketPath: socketPath, options: options)
    }

    /// Returns a client acting with another key, on the same connection and event-loop thread as this one: make
    /// as many as you like. The connection closes when the last of them is gone, or at `close()` on any
    /// of them.
    public func with(apiKey: String?) -> MeshClient {
        MeshClient(sharing: self, apiKey: apiKey)
    }

    /// Calls any method by name.
    ///
    /// - Parameters:
    ///   - timeout: the call's deadline budget, sent as `meta.timeout_ms`; the client waits that long
    ///     plus half a second. When nil, the gateway applies its default (30 s) and the client waits 35 s.
    ///   - idempotencyKey: sent as `meta.idempotency_key`; a retried call with the same key returns the
    ///     first result without repeating the change, for methods that honour it.
    ///   - traceID: sent as `meta.trace_id`; every process logs it with the call, to follow one request
    ///     across the mesh's logs.
    public func call(
        _ method: String,
        _ params: JSONValue? = nil,
        timeout: Duration? = nil,
        idempotencyKey: String? = nil,
        traceID: String? = nil
    ) async throws(RPCError) -> JSONValue {
        var meta = RequestMeta()
        if let apiKey {
            meta.apiKey = apiKey
        }
        meta.caller = caller
        meta.idempotencyKey = idempotencyKey
        meta.traceID = traceID
        if let timeout {
            meta.setBudget(timeout)
        }
        // The client waits a little longer than the budget so the server's DEADLINE_EXCEEDED arrives first.
        let wait = timeout.map { max($0, .zero) + .milliseconds(500) } ?? .seconds(35)
        return try await shared.connection.call(method, params: params, meta: meta, timeout: wait)
    }

    /// Closes the connection for good, for this client and every one made from it with
    /// `with(apiKey:)`: calls in flight and later calls fail with UNAVAILABLE, not retryable.
    public func close() {
        shared.connection.close()
    }
}

/// The connection and event-loop thread that a client and those made from it share.
private final class SharedConnection: Sendable {
    let loop: EventLoop
    let connection: RPCClient

    init(socketPath: String, options: RPCClient.Options) throws(RPCError) {
        do {
            loop = try EventLoop(name: "client")
        } catch {
            throw RPCError(
                .internal,
                "the client could not start its event-loop thread (\(error)); the process may be out of "
                    + "threads or file descriptors")
        }
        loop.start()
        connection = RPCClient(path: socketPath, loop: loop, options: options)
    }

    deinit {
        connection.close()
        loop.stop()
    }
}
