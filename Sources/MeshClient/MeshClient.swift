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
    private let loop: EventLoop
    private let connection: RPCClient
    private let ownsLoop: Bool

    /// Connects lazily to the gateway socket at `socketPath` (for example `.mesh/run/gateway.sock`).
    public init(socketPath: String, apiKey: String?, options: RPCClient.Options = RPCClient.Options()) throws {
        self.socketPath = socketPath
        self.apiKey = apiKey
        self.options = options
        self.loop = try EventLoop(name: "client")
        self.ownsLoop = true
        loop.start()
        self.connection = RPCClient(path: socketPath, loop: loop, options: options)
    }

    deinit {
        if ownsLoop {
            connection.close()
            loop.stop()
        }
    }

    /// A client for the same gateway, with the same options, acting with another key.
    public func with(apiKey: String?) throws -> MeshClient {
        try MeshClient(socketPath: socketPath, apiKey: apiKey, options: options)
    }

    /// Calls any method by name.
    ///
    /// - Parameters:
    ///   - timeout: the call's deadline budget, sent as `meta.timeout_ms`; the gateway applies its
    ///     default (30 s) when nil.
    ///   - idempotencyKey: sent as `meta.idempotency_key`; a retried call with the same key returns the
    ///     first result without repeating the change, for methods that honour it.
    public func call(
        _ method: String,
        _ params: JSONValue? = nil,
        timeout: Duration? = nil,
        idempotencyKey: String? = nil
    ) async throws(RPCError) -> JSONValue {
        var meta = RequestMeta()
        if let apiKey {
            meta.apiKey = apiKey
        }
        meta.idempotencyKey = idempotencyKey
        if let timeout {
            meta.setBudget(timeout)
        }
        // The client waits a little longer than the budget so the server's DEADLINE_EXCEEDED arrives first.
        let wait = timeout.map { max($0, .zero) + .milliseconds(500) } ?? .seconds(35)
        return try await connection.call(method, params: params, meta: meta, timeout: wait)
    }

    public func close() {
        connection.close()
    }
}
