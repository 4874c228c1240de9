import MeshProtocol
import MeshTransport
import Synchronization

/// Clients to the other processes of the mesh, one multiplexed connection each, made on first use.
public final class PeerDirectory: Sendable {
    public let home: MeshHome
    private let loop: EventLoop
    private let clients = Mutex<[String: RPCClient]>([:])
    private let options: RPCClient.Options

    /// Calls to one peer that may wait at once. The gateway sends every client's calls to a service over
    /// one connection, so this is far above a single client's share.
    public static let maximumPendingPerPeer = 65_536

    /// - Parameters:
    ///   - maximumFrameBytes: the largest reply a peer may send, the process's own frame limit.
    ///   - maximumInFlight: the requests written to a peer at once, the in-flight limit every process
    ///     applies per connection. Further calls wait here, so calls from many clients multiplexed onto
    ///     one connection are never refused for that connection's limit.
    ///   - idleTimeout: the idle timeout every process applies. A connection to a peer that stayed quiet
    ///     for half of it is replaced before the next call, which the peer could otherwise close under.
    public init(
        home: MeshHome,
        loop: EventLoop,
        maximumFrameBytes: Int = ServerLimits().maximumFrameBytes,
        maximumInFlight: Int = RPCClient.Options().maximumInFlight,
        idleTimeout: Duration = ServerLimits().idleTimeout
    ) {
        self.home = home
        self.loop = loop
        var options = RPCClient.Options()
        options.maximumFrameBytes = maximumFrameBytes
        options.maximumRequestBytes = maximumFrameBytes
        options.maximumInFlight = maximumInFlight
        options.replaceQuietConnectionAfter = idleTimeout / 2
        options.maximumPending = PeerDirectory.maximumPendingPerPeer
        self.options = options
    }

    public func client(_ process: String) -> RPCClient {
        clients.withLock { clients in
            if let existing = clients[process] {
                return existing
            }
            let created = RPCClient(path: home.socketPath(process), loop: loop, options: options)
            clients[process] = created
            return created
        }
    }

    /// Calls `method` on `process`, passing `meta` and waiting at most its remaining budget. `lane` names
    /// the caller, whose calls queue apart from other callers' while the window to `process` is full.
    public func call(
        _ process: String,
        _ method: String,
        params: JSONValue? = nil,
        meta: RequestMeta = RequestMeta(),
        lane: String = ""
    ) async throws(RPCError) -> JSONValue {
        let timeout = meta.timeoutMs.map { Duration.milliseconds($0) }
        do {
            return try await client(process).call(method, params: params, meta: meta, timeout: timeout, lane: lane)
        } catch {
            // A process that could not be reached is named, for a caller several hops away.
            guard error.status == .unavailable, var details = error.details?.objectValue, details["socket"] != nil
            else {
                throw error
            }
            var named = error
            details["service"] = .string(process)
            named.details = .object(details)
            throw named
        }
    }

    /// Closes the connection to `process`, failing its calls in flight, so the next call connects again.
    /// For a connection that reached the wrong process, whose socket path led elsewhere when it opened.
    public func reset(_ process: String) {
        let removed = clients.withLock { $0.removeValue(forKey: process) }
        removed?.close()
    }

    public func closeAll() {
        let all = clients.withLock { clients in
            let taken = Array(clients.values)
            clients.removeAll()
            return taken
        }
        for client in all {
            client.close()
        }
    }
}
