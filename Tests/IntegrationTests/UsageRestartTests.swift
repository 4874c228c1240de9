import Foundation
import MeshClient
import MeshProtocol
import MeshTesting
import Testing

/// The gateway counts API calls in memory and writes them once a second, so a gateway stopped with
/// SIGTERM must write the calls it counted since its last write before it exits.
@Suite(.serialized)
struct UsageRestartTests {
    @Test func stoppedGatewayKeepsCountedCalls() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        let companyID = try await mesh.provision("Steady Count", email: "owner@steady.example")
        let owner = try await mesh.signIn("owner@steady.example")

        for _ in 0..<40 {
            _ = try await owner.call("companies.get", ["company_id": .string(companyID)])
        }
        // Calls the owner's role may not make count too.
        for _ in 0..<10 {
            await #expect(throws: RPCError.self) {
                _ = try await owner.call("companies.suspend", ["company_id": .string(companyID)])
            }
        }
        let gateway = try #require(cluster.pid(of: "gateway"))
        kill(gateway, SIGTERM)
        try await cluster.waitForRestart("gateway", oldPID: gateway)

        // Root calls are not counted, so the report shows the owner's 50 calls and no more.
        let counted = try await mesh.eventually {
            let report = try await mesh.root.call("analytics.companyReport", ["company_id": .string(companyID)])
            let current = report["usage"]?["api_calls_today"]?["current"]
            guard current == 50 else {
                throw RPCError(
                    .unavailable, "analytics counts \(current.map(JSONWriter.string) ?? "no") calls so far, expected 50"
                )
            }
            return current
        }
        #expect(counted == 50)

        let log = cluster.log(of: "gateway")
        #expect(!log.contains("gateway.flush_failed"))
    }
}
