import Foundation
import Glibc
import MeshClient
import MeshProtocol
import MeshTesting
import Testing

/// Events that together pass the frame limit reach their subscriber a few at a time, instead of stopping
/// its delivery for good.
@Suite(.serialized)
struct LargeEventBatchTests {
    @Test func largeUpdatesWaitingTogetherAllArrive() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        let companyID = try await mesh.provision("Big Events Co", email: "owner@big-events.example")
        let owner = try await mesh.signIn("owner@big-events.example")
        let created = try await owner.call("issues.create", ["title": "Long story", "type": "Task"])
        let issueID = try #require(created["issue_id"])
        _ = try await mesh.eventually {
            try await owner.call("analytics.companyReport", ["company_id": .string(companyID)])
        }

        // Paused, analytics lets the updates pile up in tenancy's outbox: 12 events of about 100 KB each,
        // more than one 1 MiB frame can carry.
        let analytics = try #require(cluster.pid(of: "analytics"))
        kill(analytics, SIGSTOP)
        for index in 0..<12 {
            let description = String(repeating: index % 2 == 0 ? "😀" : "🙂", count: 25_000)
            _ = try await owner.call("issues.update", ["issue_id": issueID, "description": .string(description)])
        }
        _ = try await owner.call("issues.create", ["title": "After the pile", "type": "Bug"])
        kill(analytics, SIGCONT)

        // The issue created after them counts only once every update before it was delivered.
        let report = try await mesh.eventually {
            let report = try await owner.call("analytics.companyReport", ["company_id": .string(companyID)])
            guard report["distribution"]?["by_type"]?["Bug"] == 1 else {
                throw RPCError(.unavailable, "the events after the large ones have not arrived yet")
            }
            return report
        }
        #expect(report["distribution"]?["total"] == 2)
    }
}
