import Foundation
import MeshProtocol
import MeshTesting
import Testing

/// A socket path that leads to the wrong process is detected, not trusted: events wait in the outbox,
/// the gateway learns no methods from it, `mesh status` names it, and all is well once it is removed.
@Suite(.serialized)
struct SocketMixUpTests {
    @Test func linkToAnotherServiceIsNotTrusted() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        let billingSocket = cluster.home.socketPath("billing")

        // billing's socket path now leads to analytics.
        #expect(unlink(billingSocket) == 0)
        #expect(symlink(cluster.home.socketPath("analytics"), billingSocket) == 0)
        let companyID = try await mesh.provision("Mixed Co", email: "owner@mixed.example", tier: "premium")

        let routed = await #expect(throws: RPCError.self) {
            try await mesh.root.call("billing.overview", [:])
        }
        let pinged = await #expect(throws: RPCError.self) {
            try await mesh.root.call("rpc.ping", ["service": "billing"])
        }
        let outputPath = cluster.home.root + "/status.out"
        let status = try await PythonClientTests.run(
            try MeshCluster.meshBinary(), arguments: ["status", "--home", cluster.home.root], environment: [:],
            outputPath: outputPath, limit: .seconds(60))
        let statusOutput = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""

        #expect(routed?.status == .unavailable)
        #expect(routed?.details?["served_by"] == "analytics", "\(String(describing: routed))")
        #expect(pinged?.details?["served_by"] == "analytics", "\(String(describing: pinged))")
        #expect(status != 0)
        #expect(statusOutput.contains("billing       WRONG"), "\(statusOutput)")

        // Once the link is gone, billing binds its socket again and receives the waiting events.
        #expect(unlink(billingSocket) == 0)
        let subscription = try await mesh.eventually { try await mesh.root.subscription(companyID: companyID) }

        #expect(subscription["company_id"]?.stringValue == companyID)
        #expect(try await mesh.root.call("rpc.ping", ["service": "billing"]) == "pong")
        #expect(cluster.log(of: "tenancy").contains("events for billing reached analytics"))
    }

    @Test func movedHomeIsNamedByStatus() async throws {
        let cluster = try await MeshCluster()
        let moved = cluster.home.root + "-moved"
        #expect(rename(cluster.home.root, moved) == 0)
        // The cluster stops its processes by the original path, so the home goes back in any case.
        defer { rename(moved, cluster.home.root) }

        // Past the processes' once-a-second checks of their socket and WAL files, which must not stop them.
        try await Task.sleep(for: .milliseconds(2_500))
        let outputPath = NSTemporaryDirectory() + "mesh-moved-" + UUID().uuidString
        defer { unlink(outputPath) }
        let status = try await PythonClientTests.run(
            try MeshCluster.meshBinary(), arguments: ["status", "--home", moved], environment: [:],
            outputPath: outputPath, limit: .seconds(60))
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""

        #expect(status != 0)
        #expect(output.contains("tenancy       MOVED"), "\(output)")
        #expect(output.contains("this home was moved while the mesh ran"), "\(output)")
        #expect(!output.contains("SERVING"), "\(output)")
    }
}
