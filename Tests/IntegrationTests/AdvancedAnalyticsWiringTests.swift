import MeshClient
import MeshProtocol
import MeshTesting
import Testing

/// Advanced analytics through a real mesh: they follow `companies.changeTier` through events.
@Suite(.serialized)
struct AdvancedAnalyticsWiringTests {
    @Test func upgradeShowsAdvancedAnalytics() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        _ = try await mesh.provision("Graph Works", email: "owner@graph.example", tier: "basic")
        let owner = try await mesh.signIn("owner@graph.example")

        let basic = try await mesh.eventually { try await owner.call("analytics.companyReport", [:]) }
        #expect(basic["trends"] == .null)
        #expect(basic["issues_per_week"] == .null)
        #expect(basic["trends_note"]?.stringValue?.contains("Premium") == true)

        _ = try await owner.call("companies.changeTier", ["tier": "premium"])
        let premium = try await mesh.eventually {
            let report = try await owner.call("analytics.companyReport", [:])
            guard report["profile"]?["tier"] == "premium" else {
                throw RPCError(.unavailable, "analytics has not applied company.tier_changed yet")
            }
            return report
        }
        #expect(premium["trends"]?["issues_created"] != nil)
        #expect(premium["issues_per_week"]?.arrayValue?.isEmpty == false)
        #expect(premium["trends_note"] == .null)
        #expect(premium["resolution_time"]?["percentiles_note"] == .null)
    }
}
