import Foundation
import MeshClient
import MeshProtocol
import MeshTesting
import Testing

/// Usage warnings and operator alerts travel from tenancy and the gateway to notification's outbox folder.
@Suite(.serialized)
struct UsageAlertTests {
    /// Waits for an `.eml` file addressed to `recipient` whose subject contains `subject`, and returns its text.
    func mail(to recipient: String, subject: String, in mesh: MeshFixture) async throws -> String {
        try await mesh.eventually {
            for file in mesh.cluster.outboxFiles() {
                let text =
                    (try? String(contentsOfFile: mesh.cluster.home.outboxDirectory + "/" + file, encoding: .utf8)) ?? ""
                if text.contains("<\(recipient)>") && text.contains(subject) {
                    return text
                }
            }
            throw RPCError(.unavailable, "no message to \(recipient) with subject '\(subject)' yet")
        }
    }

    @Test func seatsAndDailyCallsWarnTheOwner() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        let companyID = try await mesh.provision("Near Limit", email: "owner@near.example")
        let owner = try await mesh.signIn("owner@near.example")

        for index in 2...4 {
            _ = try await owner.call(
                "users.invite", ["email": .string("user\(index)@near.example"), "name": "N", "role": "member"]
            )
        }
        let seats = try await mail(
            to: "owner@near.example", subject: "Near Limit is at 80% of its user limit", in: mesh)
        #expect(seats.contains("has used 80% of the Basic plan's user seats: 4 of 5"))

        // The owner has made 3 counted calls; these take the day's count to 800 of 1000.
        for _ in 0..<797 {
            _ = try await owner.call("companies.get", ["company_id": .string(companyID)])
        }
        let calls = try await mail(to: "owner@near.example", subject: "80% of its daily API call limit", in: mesh)
        #expect(calls.contains("has used 80% of the Basic plan's API calls for today (UTC): 800 of 1000"))

        // Past the limit, calls are refused, but an upgrade still goes through.
        for _ in 0..<200 {
            _ = try await owner.call("companies.get", ["company_id": .string(companyID)])
        }
        _ = try await mail(to: "owner@near.example", subject: "Near Limit reached its daily API call limit", in: mesh)
        let refused = await CallOutcome.of(owner, "companies.get", ["company_id": .string(companyID)])
        #expect(refused.status == .resourceExhausted)
        let upgraded = try await owner.call(
            "companies.changeTier", ["company_id": .string(companyID), "tier": "premium"])
        #expect(upgraded["company"]?["tier"] == "premium")
        let afterUpgrade = await CallOutcome.of(owner, "companies.get", ["company_id": .string(companyID)])
        #expect(afterUpgrade.status == nil)
    }

    @Test func failedProvisioningAlertsTheOperator() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)

        let outcome = await CallOutcome.of(
            mesh.root, "companies.provision",
            ["name": "Gold Co", "admin_email": "owner@gold.example", "admin_name": "G", "tier": "gold"]
        )
        #expect(outcome.status == .invalidArgument)

        let alert = try await mail(to: "operator@localhost", subject: "TenantMesh alert", in: mesh)
        #expect(alert.contains("provisioning_failures"))
        #expect(alert.contains("1 companies.provision call failed"))

        let listed = try await mesh.root.call("notifications.alerts")
        #expect(listed["alerts"]?.arrayValue?.first?["rule"] == "provisioning_failures")

        // The alert sends the operator to the gateway's log for the cause.
        let logged = cluster.log(of: "gateway").split(separator: "\n").filter { $0.contains("provision.failed") }
        #expect(logged.count == 1)
        #expect(logged.first?.contains("INVALID_ARGUMENT") == true)
        #expect(logged.first?.contains("gold") == true)
    }

    @Test func provisioningWithoutTheRightDoesNotCount() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)

        let outcome = await CallOutcome.of(
            mesh.root.with(apiKey: "tmk_bogus"), "companies.provision",
            ["name": "Bogus Co", "admin_email": "owner@bogus.example", "admin_name": "B", "tier": "basic"]
        )
        #expect(outcome.status == .unauthenticated)

        // The gateway logs every counted provisioning failure before it replies, so the log shows which
        // of the two calls counted.
        _ = await CallOutcome.of(
            mesh.root, "companies.provision",
            ["name": "Gold Co", "admin_email": "owner@gold.example", "admin_name": "G", "tier": "gold"]
        )
        let logged = cluster.log(of: "gateway").split(separator: "\n").filter { $0.contains("provision.failed") }
        #expect(logged.count == 1)
        #expect(logged.first?.contains("INVALID_ARGUMENT") == true)
    }
}
