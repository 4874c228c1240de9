import Foundation
import MeshProtocol
import MeshRuntime
import MeshTesting
import Testing

@testable import Notification

/// `user.access_recovery_issued` becomes one email to the user, carrying the token, by email only.
@Suite struct AccessRecoveryMailTests {
    typealias Fixture = NotificationEventsFixture

    func provisionedHarness(tier: String = "basic") throws -> NotificationHarness {
        let harness = try NotificationHarness()
        try harness.deliver([
            Fixture.provisioned("cmp_a", tier: tier, token: Fixture.token(), at: harness.clock.nowMs())
        ])
        return harness
    }

    func kinds(_ harness: NotificationHarness) async throws -> [String] {
        let listed = try await harness.call("notifications.list", ["company_id": "cmp_a"])
        return listed["messages"]?.arrayValue?.compactMap { $0["kind"]?.stringValue } ?? []
    }

    @Test func recoveryMailCarriesTheToken() async throws {
        let harness = try provisionedHarness()
        let token = Fixture.token()
        let at = harness.clock.nowMs() + 5000
        let event = Fixture.accessRecoveryIssued(
            "cmp_a", email: "olivia@acme.example", name: "Olivia Owner", token: token, at: at)

        #expect(try harness.deliver([event]) == 1)

        let messageID = MessageID.derive(eventID: event.eventID, recipient: "olivia@acme.example", channel: .email)
        let email = try ParsedEmail(try OutboxReader(home: harness.home).text(messageID + ".eml"))
        #expect(email.header("To") == "Olivia Owner <olivia@acme.example>")
        #expect(email.header("Subject") == "Your new API key for Acme Tools on TenantMesh")
        #expect(email.header("Date") == EmailDate.rfc5322(at))
        #expect(email.body.contains("echo '{\"token\":\"\(token)\"}' | mesh call auth.acceptInvitation -"))
        #expect(email.body.contains("expires on \(EmailDate.readable(at + 7 * Fixture.day))"))
        #expect(!email.body.contains("invited to join"))
        #expect(!email.body.lowercased().contains("password"))

        #expect(try await kinds(harness) == ["access_recovery", "welcome"])
        let listed = try await harness.call("notifications.list", ["company_id": "cmp_a"])
        #expect(!listed.allStrings.contains { $0.contains(token) })
    }

    @Test func recoveryMailGoesByEmailOnly() async throws {
        let harness = try provisionedHarness(tier: "platinum")
        let now = harness.clock.nowMs()
        try harness.deliver([
            Fixture.configured(
                "cmp_a", integrations: ["webhook"], webhookURL: "http://127.0.0.1:9/hook",
                emailNotifications: false, at: now),
            Fixture.accessRecoveryIssued(
                "cmp_a", email: "olivia@acme.example", name: "Olivia", token: Fixture.token(), at: now),
            Fixture.tierChanged("cmp_a", from: "platinum", to: "premium", at: now),
        ])

        // The tier change shows the webhook is on; the recovery still goes by email alone.
        let listed = try await harness.call("notifications.list", ["company_id": "cmp_a"])
        let channels = (listed["messages"]?.arrayValue ?? []).map {
            "\($0["kind"]?.stringValue ?? "?") \($0["channel"]?.stringValue ?? "?")"
        }
        #expect(Set(channels) == ["welcome email", "access_recovery email", "tier_changed webhook"])
    }

    @Test func malformedTokenIsRejected() throws {
        let harness = try provisionedHarness()
        let event = Fixture.accessRecoveryIssued(
            "cmp_a", email: "olivia@acme.example", name: "Olivia", token: "tok'; rm -rf", at: harness.clock.nowMs())

        let error = #expect(throws: RPCError.self) { try harness.deliver([event]) }
        #expect(error?.details?["field"]?.stringValue == "payload.invitation.token")
        #expect(try OutboxReader(home: harness.home).emlNames().count == 1)
    }
}
