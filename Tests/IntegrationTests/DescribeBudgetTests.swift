import Foundation
import MeshClient
import MeshProtocol
import MeshTesting
import Testing

/// The gateway's `rpc.describe` calls the services within the caller's budget, so one hung service
/// costs the reply its methods, not the whole reply.
@Suite struct DescribeBudgetTests {
    @Test func hungServiceIsListedWithinAShortBudget() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        let analytics = try cluster.requirePID("analytics")

        // A stopped process keeps its socket open and never replies. It is always resumed.
        kill(analytics, SIGSTOP)
        defer { kill(analytics, SIGCONT) }
        let description = try await mesh.root.call("rpc.describe", ["schemas": false], timeout: .seconds(2))
        kill(analytics, SIGCONT)

        #expect(description["unavailable"] == ["analytics"], "\(description["unavailable"] ?? .null)")
        let services = Set((description["methods"]?.arrayValue ?? []).compactMap { $0["service"]?.stringValue })
        #expect(services == ["tenancy", "billing", "notification"])
    }

    @Test func describeTooLargeForTheFrameNamesTheSmallerCall() async throws {
        let cluster = try await MeshCluster(variables: ["MESH_MAX_FRAME_BYTES": "65536"])
        let mesh = try MeshFixture(cluster: cluster)

        let error = await #expect(throws: RPCError.self) { try await mesh.root.call("rpc.describe") }
        let names = try await mesh.root.call("rpc.describe", ["schemas": false])

        #expect(error?.status == .resourceExhausted)
        #expect(
            error?.message.contains(#"params {"schemas": false} leave the schemas out"#) == true,
            "\(String(describing: error))")
        #expect(names["methods"]?.arrayValue?.isEmpty == false)
    }
}
