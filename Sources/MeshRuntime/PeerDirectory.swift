import MeshProtocol
import MeshTransport
import Synchronization

/// Clients to the other processes of the mesh, one multiplexed connection each, made on first use.
public final class PeerDirectory: Sendable {
    public let home: MeshHome
    private let loop: EventLoop
    private let clients = Mutex<[String: RPCClient]>([:])
    private let options: RPCClient.Options

    /// - Parameter maximumFrameBytes: the largest reply a peer may send, the process's own frame limit.
    public init(home: MeshHome, loop: EventLoop, maximumFrameBytes: Int = ServerLimits().maximumFrameBytes) {
        self.home = home
        self.loop = loop
        var options = RPCClient.Options()
        options.maximumFrameBytes = maximumFrameBytes
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

    /// Calls `method` on `process`, passing `meta` and waiting at most its remaining budget.
    public func call(
        _ process: String,
        _ method: String,
        params: JSONValue? = nil,
        meta: RequestMeta = RequestMeta()
    ) async throws(RPCError) -> JSONValue {
        let timeout = meta.timeoutMs.map { Duration.milliseconds($0) }
        return try await client(process).call(method, params: params, meta: meta, timeout: timeout)
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
