import Foundation
import MeshClient
import MeshProtocol
import MeshTesting
import Testing

/// Platinum branding through a real mesh: set with `companies.configure`, it reaches the emails notification
/// writes and blocks a downgrade.
@Suite(.serialized)
struct BrandingWiringTests {
    @Test func brandingReachesInvitationEmails() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        let companyID = try await mesh.provision("Brand Works", email: "owner@brand.example", tier: "platinum")
        let owner = try await mesh.signIn("owner@brand.example")

        let branding: JSONValue = ["display_name": "Brand Works Support", "footer": "Brand Works Ltd."]
        let view = try await owner.call("companies.configure", ["settings": ["branding": branding]])
        #expect(view["settings"]?["branding"] == branding)

        // Notification applies company.configured before the user.invited published after it.
        _ = try await owner.call("users.invite", ["email": "ivan@brand.example", "name": "Ivan"])
        _ = try await mesh.invitationToken(for: "ivan@brand.example")
        let invitation = try #require(
            cluster.outboxFiles().lazy.map { file in
                (try? String(contentsOfFile: cluster.home.outboxDirectory + "/" + file, encoding: .utf8)) ?? ""
            }.first { $0.contains("To: Ivan <ivan@brand.example>") })
        #expect(invitation.hasPrefix("From: Brand Works Support <no-reply@tenantmesh.invalid>\r\n"))
        #expect(invitation.hasSuffix("\r\n-- \r\nBrand Works Ltd.\r\n"))

        let export = try await owner.call("companies.export", ["company_id": .string(companyID)])
        #expect(export["company"]?["settings"]?["branding"] == branding)
        #expect(export["notification"]?["company"]?["branding_name"] == "Brand Works Support")

        let downgrade = await CallOutcome.of(owner, "companies.changeTier", ["tier": "premium"])
        #expect(downgrade.status == .failedPrecondition, "\(downgrade.text)")
        let limits = downgrade.error?.details?["violations"]?.arrayValue?.compactMap { $0["limit"]?.stringValue }
        #expect(limits == ["branding"])
    }
}
