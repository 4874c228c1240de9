import Foundation
import MeshProtocol
import MeshRuntime
import MeshTesting
import Testing

@testable import Notification

@Suite struct LifecycleMailTests {
    typealias Fixture = NotificationEventsFixture

    /// Returns a harness in which company `cmp_a` (owner Olivia) is provisioned.
    func provisionedHarness(tier: String = "basic", ownerName: String = "Olivia Owner") throws -> NotificationHarness {
        let harness = try NotificationHarness()
        try harness.deliver([
            Fixture.provisioned(
                "cmp_a", tier: tier, ownerName: ownerName, token: Fixture.token(), at: harness.clock.nowMs())
        ])
        return harness
    }

    /// Reads and parses the email whose message id is `derive(event, recipient, .email)`.
    func email(_ harness: NotificationHarness, event: MeshEvent, to recipient: String) throws -> ParsedEmail {
        let messageID = MessageID.derive(eventID: event.eventID, recipient: recipient, channel: .email)
        return try ParsedEmail(try OutboxReader(home: harness.home).text(messageID + ".eml"))
    }

    func kinds(_ harness: NotificationHarness) async throws -> [String] {
        let listed = try await harness.call("notifications.list", ["company_id": "cmp_a"])
        return listed["messages"]?.arrayValue?.compactMap { $0["kind"]?.stringValue } ?? []
    }

    @Test func invitedUserGetsInvitation() async throws {
        let harness = try provisionedHarness()
        let token = Fixture.token()
        let event = Fixture.invited(
            "cmp_a", email: "ivan@acme.example", name: "Ivan Invitee", role: "admin", token: token,
            at: harness.clock.nowMs())

        try harness.deliver([event])

        let email = try email(harness, event: event, to: "ivan@acme.example")
        #expect(email.header("To") == "Ivan Invitee <ivan@acme.example>")
        #expect(email.header("Subject") == "You are invited to join Acme Tools on TenantMesh")
        #expect(email.body.contains("as an admin"))
        #expect(email.body.contains("echo '{\"token\":\"\(token)\"}' | mesh call auth.acceptInvitation -"))
        #expect(!email.body.lowercased().contains("password"))
        #expect(try await kinds(harness) == ["invitation", "welcome"])
    }

    @Test func namelessInvitationGreetsPlainly() throws {
        let harness = try provisionedHarness()
        var event = Fixture.invited(
            "cmp_a", email: "ivan@acme.example", name: "", token: Fixture.token(), at: harness.clock.nowMs())
        if case .object(var payload) = event.payload {
            payload["name"] = nil
            event = MeshEvent(
                eventID: event.eventID, topic: event.topic, payload: .object(payload), createdAtMs: event.createdAtMs,
                source: "tenancy")
        }

        try harness.deliver([event])

        let email = try email(harness, event: event, to: "ivan@acme.example")
        #expect(email.header("To") == "<ivan@acme.example>")
        #expect(email.body.hasPrefix("Hello,\r\n"))
    }

    @Test func tierChangeIsMailedToTheOwner() async throws {
        let harness = try provisionedHarness()
        let event = Fixture.tierChanged("cmp_a", from: "basic", to: "premium", at: harness.clock.nowMs() + 5000)

        try harness.deliver([event])

        let email = try email(harness, event: event, to: "olivia@acme.example")
        #expect(email.header("To") == "Olivia Owner <olivia@acme.example>")
        #expect(email.header("Subject") == "Acme Tools: plan changed from Basic to Premium")
        #expect(email.header("Date") == EmailDate.rfc5322(event.payload["at_ms"]?.intValue ?? 0))
        #expect(email.body.contains("upgraded from Basic to Premium"))
        #expect(email.body.contains("$50.00 per month"))
        #expect(email.body.contains("prorated"))
        #expect(try await kinds(harness) == ["tier_changed", "welcome"])
    }

    @Test func suspendedTierChangePromisesNoProration() async throws {
        let harness = try provisionedHarness()
        let now = harness.clock.nowMs()
        let suspended = Fixture.suspended("cmp_a", reason: "unpaid invoice", reactivateAt: nil, at: now)
        let changed = Fixture.tierChanged("cmp_a", from: "basic", to: "platinum", at: now + 1000)

        try harness.deliver([suspended, changed])

        let email = try email(harness, event: changed, to: "olivia@acme.example")
        #expect(email.body.contains("nothing is charged"))
        #expect(!email.body.contains("prorated"))
    }

    @Test func suspensionAndReactivationMailOwner() async throws {
        let harness = try provisionedHarness()
        let now = harness.clock.nowMs()
        let suspended = Fixture.suspended(
            "cmp_a", reason: "unpaid invoice", reactivateAt: now + 3 * Fixture.day, at: now)
        let reactivated = Fixture.reactivated("cmp_a", automatic: true, at: now + 3 * Fixture.day)

        try harness.deliver([suspended, reactivated])

        let suspension = try email(harness, event: suspended, to: "olivia@acme.example")
        #expect(suspension.header("Subject") == "Acme Tools is suspended on TenantMesh")
        #expect(suspension.body.contains("Reason: unpaid invoice"))
        #expect(suspension.body.contains("reactivated automatically on \(EmailDate.readable(now + 3 * Fixture.day))"))
        let reactivation = try email(harness, event: reactivated, to: "olivia@acme.example")
        #expect(reactivation.header("To") == "Olivia Owner <olivia@acme.example>")
        #expect(reactivation.body.contains("Its suspension ended automatically"))
        #expect(try await kinds(harness) == ["reactivated", "suspended", "welcome"])
    }

    @Test func nonASCIIOwnerNameIsEncoded() throws {
        let harness = try provisionedHarness(ownerName: "Zoë Ångström")
        let event = Fixture.tierChanged("cmp_a", from: "basic", to: "platinum", at: harness.clock.nowMs())

        try harness.deliver([event])

        let to = try #require(try email(harness, event: event, to: "olivia@acme.example").header("To"))
        #expect(to.hasPrefix("=?UTF-8?B?"))
        #expect(EncodedWords.decode(to) == "Zoë Ångström <olivia@acme.example>")
    }

    /// Email is off with the preference off, and equally with the email integration removed.
    @Test(arguments: [(["email"], false), ([], true), (["sso"], true)])
    func emailOffKeepsOnlyInvitations(integrations: [String], preference: Bool) async throws {
        let harness = try provisionedHarness()
        let now = harness.clock.nowMs()

        try harness.deliver([
            Fixture.configured(
                "cmp_a", integrations: integrations, webhookURL: nil, emailNotifications: preference, at: now),
            Fixture.tierChanged("cmp_a", from: "basic", to: "premium", at: now),
            Fixture.invited("cmp_a", email: "ivan@acme.example", name: "Ivan", token: Fixture.token(), at: now),
        ])

        #expect(try await kinds(harness) == ["invitation", "welcome"])
        #expect(try OutboxReader(home: harness.home).emlNames().count == 2)
    }

    @Test func deletedCompanyStopsButKeepsHistory() async throws {
        let harness = try provisionedHarness()
        let now = harness.clock.nowMs()

        try harness.deliver([Fixture.deleted("cmp_a", at: now)])
        #expect(try harness.deliver([Fixture.tierChanged("cmp_a", from: "basic", to: "premium", at: now)]) == 1)
        #expect(
            try harness.deliver([
                Fixture.invited("cmp_a", email: "ivan@acme.example", name: "Ivan", token: Fixture.token(), at: now)
            ]) == 1)

        #expect(try OutboxReader(home: harness.home).emlNames().count == 1)
        let exported = try await harness.call("notifications.export", ["company_id": "cmp_a"], as: .service)
        #expect(exported["company"]?["status"]?.stringValue == "deleted")
        #expect(exported["messages"]?.arrayValue?.compactMap { $0["kind"]?.stringValue } == ["welcome"])

        // Users and root alike now find no such company; the export keeps the history.
        let notFound = await #expect(throws: RPCError.self) { try await kinds(harness) }
        #expect(notFound?.status == .notFound)
    }

    @Test func unknownCompanyEventIsRejected() throws {
        let harness = try NotificationHarness()

        let error = #expect(throws: RPCError.self) {
            try harness.deliver([
                Fixture.tierChanged("cmp_missing", from: "basic", to: "premium", at: harness.clock.nowMs())
            ])
        }
        #expect(error?.status == .failedPrecondition)
        #expect(error?.message.contains("cmp_missing") == true)
    }

    @Test func unknownTierIsRejected() throws {
        let harness = try provisionedHarness()

        let error = #expect(throws: RPCError.self) {
            try harness.deliver([Fixture.tierChanged("cmp_a", from: "basic", to: "gold", at: harness.clock.nowMs())])
        }
        #expect(error?.details?["field"]?.stringValue == "payload.to_tier")
    }
}
