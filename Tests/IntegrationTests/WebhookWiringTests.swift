import Foundation
import MeshClient
import MeshProtocol
import MeshTesting
import Testing

/// A webhook configured through the gateway reaches the notification process by `company.configured`.
@Suite(.serialized)
struct WebhookWiringTests {
    @Test func configuredWebhookReachesNotification() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        let companyID = try await mesh.provision("Hook Line", email: "owner@hook.example", tier: "premium")
        let owner = try await mesh.signIn("owner@hook.example")
        let url = "http://127.0.0.1:9555/tenant-hooks"

        _ = try await owner.call(
            "companies.configure",
            [
                "settings": [
                    "integrations": ["email", "slack_webhook"], "webhook_url": .string(url),
                    "notifications": ["email": false],
                ]
            ]
        )

        let stored = try await mesh.eventually {
            let export = try await owner.call("companies.export", ["company_id": .string(companyID)])
            let company = export["notification"]?["company"]
            guard company?["webhook_url"]?.stringValue == url else {
                throw RPCError(.unavailable, "notification has not applied company.configured yet")
            }
            return company
        }
        #expect(stored?["webhook_integration"]?.stringValue == "slack_webhook")
        #expect(stored?["email_enabled"]?.boolValue == false)
        #expect(stored?["webhook_problem"] == .null || stored?["webhook_problem"] == nil)
    }
}
