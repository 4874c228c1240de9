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

    /// The gateway learns a service's methods on the first call routed to it, within that call's budget,
    /// which may be longer than the 5 seconds it waits without one, less the part every hop keeps back.
    @Test func firstCallToAHungServiceKeepsItsBudget() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        let billing = try cluster.requirePID("billing")

        kill(billing, SIGSTOP)
        defer { kill(billing, SIGCONT) }
        let error = await #expect(throws: RPCError.self) {
            try await mesh.root.call("billing.overview", timeout: .milliseconds(6_000))
        }
        kill(billing, SIGCONT)

        #expect(error?.status == .deadlineExceeded, "\(String(describing: error))")
        // Learning the methods, or the forwarded call when the gateway knew them already, keeps back part
        // of the budget, so the reply names the hung service.
        #expect(error?.details?["service"] == "billing", "\(String(describing: error))")
        #expect(error?.message.contains("billing") == true)
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

        let (status, output) = try await runToEnd([
            try MeshCluster.meshBinary(), "describe", "--home", cluster.home.root,
        ])
        #expect(status == 0, "\(output)")
        #expect(output.contains("more than the mesh's frame limit, so only the parameter names follow"))
        #expect(output.contains("    params: admin_email, admin_name, name, tier"), "\(output.prefix(2000))")
    }
}
