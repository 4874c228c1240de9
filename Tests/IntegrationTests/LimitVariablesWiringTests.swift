import MeshClient
import MeshProtocol
import MeshTesting
import Testing

/// Limits set in the environment of `mesh up` reach every process, which reports them in `rpc.describe`.
@Suite(.serialized)
struct LimitVariablesWiringTests {
    @Test func describeReportsLimitsFromTheEnvironment() async throws {
        let cluster = try await MeshCluster(variables: ["MESH_MAX_IN_FLIGHT": "8", "MESH_IDLE_TIMEOUT_MS": "60000"])
        let mesh = try MeshFixture(cluster: cluster)

        let gateway = try await mesh.root.call("rpc.describe")
        #expect(gateway["limits"]?["max_in_flight"] == 8)
        #expect(gateway["limits"]?["idle_timeout_ms"] == 60_000)

        let billing = try MeshClient(socketPath: cluster.home.socketPath("billing"), apiKey: nil)
        defer { billing.close() }
        let described = try await billing.call("rpc.describe")
        #expect(described["limits"]?["max_in_flight"] == 8)
        #expect(described["limits"]?["max_connections"] == 1_024)
    }
}
