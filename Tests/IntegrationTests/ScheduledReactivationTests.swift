import Foundation
import MeshClient
import MeshProtocol
import MeshTesting
import Testing

/// A company suspended until a set time lets its users in as soon as the mesh clock passes it.
@Suite(.serialized)
struct ScheduledReactivationTests {
    @Test func usersGetInAtOnceAfterTheScheduledTime() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        let companyID = try await mesh.provision("Paused Till Noon", email: "owner@noon.example")
        let owner = try await mesh.signIn("owner@noon.example")
        let reactivateAt = cluster.home.clock().nowMs() + 3_600_000
        _ = try await mesh.root.call(
            "companies.suspend", ["company_id": .string(companyID), "reactivate_at_ms": .int(reactivateAt)])

        // The refusal comes right before the clock passes the scheduled time; it must not be kept.
        let rejected = await CallOutcome.of(owner, "companies.get", [:])
        #expect(rejected.status == .failedPrecondition, "\(String(describing: rejected.error))")
        try cluster.advanceClock(milliseconds: 2 * 3_600_000)

        let company = try await owner.call("companies.get", [:])
        #expect(company["status"] == "active")
    }
}
