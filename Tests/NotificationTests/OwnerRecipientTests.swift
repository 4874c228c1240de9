import Foundation
import MeshProtocol
import MeshRuntime
import MeshTesting
import Testing

@testable import Notification

/// Owner notices follow the company's owners as user events change them.
@Suite struct OwnerRecipientTests {
    typealias Fixture = NotificationEventsFixture

    func userEvent(_ topic: String, _ user: String, role: String? = nil, at: Int64) -> MeshEvent {
        var payload: [String: JSONValue] = ["company_id": "cmp_a", "user_id": .string(user), "at_ms": .int(at)]
        payload["role"] = role.map { .string($0) }
        return Fixture.event(topic, .object(payload), at: at)
    }

    func invitedOwner(_ email: String, name: String, at: Int64) -> MeshEvent {
        Fixture.event(
            "user.invited",
            [
                "company_id": "cmp_a", "user_id": "usr_boss", "email": .string(email), "name": .string(name),
                "role": "owner",
                "invitation": [
                    "invitation_id": "inv_boss", "token": .string(Fixture.token()), "expires_at_ms": .int(at + 1),
                ],
                "invited_by": "root", "at_ms": .int(at),
            ],
            at: at
        )
    }

    /// Returns the events of a company whose first owner, Olivia, and a second owner, Bea, both accepted,
    /// from `at` to `at + 3`.
    func twoActiveOwners(at now: Int64) -> [MeshEvent] {
        [
            Fixture.provisioned("cmp_a", token: Fixture.token(), at: now),
            userEvent("user.activated", "cmp_a_owner", at: now + 1),
            invitedOwner("boss@acme.example", name: "Bea Boss", at: now + 2),
            userEvent("user.activated", "usr_boss", at: now + 3),
        ]
    }

    /// Returns the addresses the owner notices of `event` went to, by email.
    func recipients(_ harness: NotificationHarness, of event: MeshEvent) async throws -> [String] {
        let listed = try await harness.call("notifications.list", ["company_id": "cmp_a"])
        let messages = listed["messages"]?.arrayValue ?? []
        return messages.filter { $0["event_id"]?.stringValue == event.eventID && $0["channel"] == "email" }
            .compactMap { $0["recipient"]?.stringValue }.sorted()
    }

    @Test func invitedFirstOwnerGetsNotices() async throws {
        let harness = try NotificationHarness()
        let now = harness.clock.nowMs()
        let change = Fixture.tierChanged("cmp_a", from: "basic", to: "premium", at: now + 1)

        try harness.deliver([Fixture.provisioned("cmp_a", token: Fixture.token(), at: now), change])

        #expect(try await recipients(harness, of: change) == ["olivia@acme.example"])
    }

    @Test func noticesFollowOwnershipChanges() async throws {
        let harness = try NotificationHarness()
        let now = harness.clock.nowMs()
        try harness.deliver(twoActiveOwners(at: now))

        let both = Fixture.tierChanged("cmp_a", from: "basic", to: "premium", at: now + 4)
        try harness.deliver([both])
        #expect(try await recipients(harness, of: both) == ["boss@acme.example", "olivia@acme.example"])

        let greeting = MessageID.derive(eventID: both.eventID, recipient: "boss@acme.example", channel: .email)
        let email = try ParsedEmail(try OutboxReader(home: harness.home).text(greeting + ".eml"))
        #expect(email.body.contains("Hello Bea Boss"))

        // Olivia is demoted: only Bea remains.
        let demoted = Fixture.tierChanged("cmp_a", from: "premium", to: "platinum", at: now + 6)
        try harness.deliver([userEvent("user.updated", "cmp_a_owner", role: "member", at: now + 5), demoted])
        #expect(try await recipients(harness, of: demoted) == ["boss@acme.example"])

        // Bea is deactivated: with no active owner left, the invited owners would get it, and there are none.
        // Reactivated, she is active again, because she had accepted.
        let reactivated = Fixture.suspended("cmp_a", reason: "unpaid", reactivateAt: nil, at: now + 9)
        try harness.deliver([
            userEvent("user.deactivated", "usr_boss", at: now + 7),
            userEvent("user.reactivated", "usr_boss", at: now + 8),
            reactivated,
        ])
        #expect(try await recipients(harness, of: reactivated) == ["boss@acme.example"])
    }

    @Test func companyWithoutOwnersGetsNoOwnerEmail() async throws {
        let harness = try NotificationHarness()
        let now = harness.clock.nowMs()
        try harness.deliver([
            Fixture.provisioned("cmp_a", token: Fixture.token(), at: now),
            userEvent("user.deactivated", "cmp_a_owner", at: now + 1),
        ])

        let change = Fixture.tierChanged("cmp_a", from: "basic", to: "premium", at: now + 2)
        try harness.deliver([change])

        #expect(try await recipients(harness, of: change).isEmpty)
    }

    @Test func deactivatedOwnerGetsNothing() async throws {
        let harness = try NotificationHarness()
        let now = harness.clock.nowMs()
        try harness.deliver(twoActiveOwners(at: now) + [userEvent("user.deactivated", "cmp_a_owner", at: now + 4)])

        let change = Fixture.tierChanged("cmp_a", from: "basic", to: "premium", at: now + 5)
        try harness.deliver([change])

        #expect(try await recipients(harness, of: change) == ["boss@acme.example"])
    }
}
