import Foundation
import MeshClient
import MeshProtocol
import MeshTesting
import Testing

/// Billing, analytics and notification learn of companies from events, so a company they have no row
/// of may be on its way. They ask tenancy before they tell the caller to retry.
@Suite(.serialized)
struct UnknownCompanyTests {
    @Test(arguments: ["billing.subscription", "billing.invoices", "analytics.companyReport", "notifications.list"])
    func mistypedIdIsFinal(method: String) async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)

        do {
            _ = try await mesh.root.call(method, ["company_id": "cmp_doesnotexist"])
            Issue.record("\(method) returned a result for a company that does not exist")
        } catch {
            #expect(error.status == .notFound)
            #expect(error.retryable == false)
            #expect(error.retryAfterMs == nil)
            #expect(error.message.contains("check the id"))
        }
    }

    @Test func provisionedCompanyIsReadSoon() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        let companyID = try await mesh.provision("Known Soon", email: "owner@known-soon.example", tier: "basic")

        let invoices = try await mesh.eventually {
            try await mesh.root.call("billing.invoices", ["company_id": .string(companyID)])
        }
        #expect(invoices["invoices"]?.arrayValue?.isEmpty == true)
    }
}

/// A method that needs no key ignores one, so a stale key cannot stop an invitation's acceptance.
@Suite(.serialized)
struct StaleKeyTests {
    @Test func invitationIsAcceptedWithAStaleKey() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        _ = try await mesh.provision("Stale Key Co", email: "owner@stale-key.example")
        let token = try await mesh.invitationToken(for: "owner@stale-key.example")

        let accepted = try await mesh.root.with(apiKey: "tmk_left_over_from_yesterday").call(
            "auth.acceptInvitation", ["token": .string(token)])

        #expect(accepted["api_key"]?.stringValue?.hasPrefix("tmk_") == true)
    }
}
