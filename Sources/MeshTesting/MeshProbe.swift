import MeshProtocol
import MeshTransport

/// One-off calls straight to a process's socket, for tests.
public enum MeshProbe {
    /// The `status` member of `rpc.health` at `socket`.
    public static func health(_ socket: String) async throws -> String {
        try await healthReport(socket)["status"]?.stringValue ?? "UNKNOWN"
    }

    /// Returns the whole `rpc.health` report at `socket`.
    public static func healthReport(_ socket: String) async throws -> JSONValue {
        let loop = try EventLoop(name: "probe")
        loop.start()
        defer { loop.stop() }
        let client = RPCClient(path: socket, loop: loop)
        defer { client.close() }
        return try await client.call("rpc.health", meta: RequestMeta(), timeout: .seconds(2))
    }
}
