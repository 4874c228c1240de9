import Foundation
import MeshClient
import MeshProtocol
import MeshTesting
import Testing

/// Owner notices reach the owners tenancy has now, through the user events it publishes to notification.
@Suite(.serialized)
struct OwnerNoticeWiringTests {
    @Test func noticeGoesToTheNewOwnerAfterAHandover() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        let companyID = try await mesh.provision("Handover Co", email: "first@handover.example")
        let first = try await mesh.signIn("first@handover.example")

        let invited = try await first.call(
            "users.invite", ["email": "second@handover.example", "name": "Second Owner", "role": "owner"])
        let second = try await mesh.signIn("second@handover.example")
        let users = try await first.call("users.list")["users"]?.arrayValue ?? []
        let firstID = users.first { $0["email"] == "first@handover.example" }?["user_id"]
        #expect(invited["user"]?["role"] == "owner")

        _ = try await second.call(
            "users.setRole", ["user_id": try #require(firstID), "role": "member"])
        _ = try await mesh.root.call("companies.changeTier", ["company_id": .string(companyID), "tier": "premium"])

        // The notice reaches the new owner, and the demoted one gets none.
        let subject = "Handover Co: plan changed from Basic to Premium"
        _ = try await mesh.eventually {
            let files = cluster.outboxFiles().map {
                (try? String(contentsOfFile: cluster.home.outboxDirectory + "/" + $0, encoding: .utf8)) ?? ""
            }
            guard files.contains(where: { $0.contains(subject) && $0.contains("<second@handover.example>") }) else {
                throw RPCError(.unavailable, "the new owner's notice has not arrived yet")
            }
            let toFirst = files.filter { $0.contains(subject) && $0.contains("<first@handover.example>") }
            #expect(toFirst.isEmpty)
            return true
        }
    }
}
