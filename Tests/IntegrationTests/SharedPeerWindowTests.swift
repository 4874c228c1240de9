import MeshClient
import MeshProtocol
import MeshTesting
import Testing

/// The gateway sends every client's calls to a service over one connection, and the in-flight limit
/// still applies per client connection, not to all clients together.
@Suite(.serialized)
struct SharedPeerWindowTests {
    @Test func clientsUnderTheirLimitAreNeverRefused() async throws {
        let cluster = try await MeshCluster(variables: ["MESH_MAX_IN_FLIGHT": "8"])
        let rootKey = try cluster.rootKey
        let clients = try (0..<3).map { _ in try MeshClient(socketPath: cluster.gatewaySocket, apiKey: rootKey) }
        defer {
            for client in clients {
                client.close()
            }
        }

        let refused = await withTaskGroup(of: Int.self) { group in
            for client in clients {
                for _ in 0..<8 {
                    group.addTask {
                        do {
                            _ = try await client.call("companies.list", [:])
                            return 0
                        } catch {
                            return 1
                        }
                    }
                }
            }
            return await group.reduce(0, +)
        }

        #expect(refused == 0)
    }
}
