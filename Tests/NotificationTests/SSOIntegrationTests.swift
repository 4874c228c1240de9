import MeshProtocol
import MeshRuntime
import MeshTesting
import Testing

@testable import Notification

/// The `sso` integration records that a company wants single sign-on, and notification ignores it.
@Suite struct SSOIntegrationTests {
    typealias Fixture = NotificationEventsFixture

    /// `sso` sends nothing: it neither adds a channel nor stops the owner's email.
    @Test func ssoIntegrationChangesNoChannel() async throws {
        let harness = try NotificationHarness()
        let now = harness.clock.nowMs()
        let event = Fixture.suspended("cmp_a", reason: "unpaid", reactivateAt: nil, at: now + 20)
        try harness.deliver([
            Fixture.provisioned("cmp_a", tier: "platinum", token: Fixture.token(), at: now),
            Fixture.configured("cmp_a", integrations: ["email", "sso"], webhookURL: nil, at: now + 10), event,
        ])

        let listed = try await harness.call("notifications.list", ["company_id": "cmp_a"])
        let suspended = listed["messages"]?.arrayValue?.filter { $0["kind"] == "suspended" } ?? []
        #expect(suspended.compactMap { $0["channel"]?.stringValue } == ["email"])
        let exported = try await harness.call("notifications.export", ["company_id": "cmp_a"], as: .service)
        #expect((exported["company"]?["webhook_problem"] ?? .null) == .null)
        #expect(exported["company"]?["email_enabled"] == true)
    }
}
