import Foundation
import MeshProtocol
import MeshRuntime
import MeshTesting
import Testing

@testable import Notification

/// A Platinum company's `settings.branding` changes the `From` display name and the sign-off of its
/// owner's emails and of its invitation and access recovery emails. The address stays the mesh's own.
@Suite struct BrandingMailTests {
    typealias Fixture = NotificationEventsFixture

    static let sender = "no-reply@tenantmesh.invalid"
    static let branding: JSONValue = ["display_name": "Zoë's Support Desk", "footer": "Acme Inc.\nSupport desk"]

    /// Returns a harness in which company `cmp_a` of `tier` is provisioned and configured with `branding`.
    func brandedHarness(tier: String = "platinum", branding: JSONValue? = branding) throws -> NotificationHarness {
        let harness = try NotificationHarness()
        let now = harness.clock.nowMs()
        try harness.deliver([
            Fixture.provisioned("cmp_a", tier: tier, token: Fixture.token(), at: now),
            Fixture.configured("cmp_a", integrations: ["email"], webhookURL: nil, branding: branding, at: now + 1),
        ])
        return harness
    }

    func email(_ harness: NotificationHarness, event: MeshEvent, to recipient: String) throws -> ParsedEmail {
        let messageID = MessageID.derive(eventID: event.eventID, recipient: recipient, channel: .email)
        return try ParsedEmail(try OutboxReader(home: harness.home).text(messageID + ".eml"))
    }

    /// Returns events that mail someone of `cmp_a`, each with the address it mails.
    static func mailingEvents(at now: Int64) -> [(MeshEvent, String)] {
        [
            (Fixture.suspended("cmp_a", reason: "unpaid", reactivateAt: nil, at: now), "olivia@acme.example"),
            (
                Fixture.invited("cmp_a", email: "ivan@acme.example", name: "Ivan", token: Fixture.token(), at: now),
                "ivan@acme.example"
            ),
            (
                Fixture.accessRecoveryIssued(
                    "cmp_a", email: "lena@acme.example", name: "Lena", token: Fixture.token(), at: now),
                "lena@acme.example"
            ),
        ]
    }

    @Test func brandedEmailsComeFromTheDisplayNameWithTheFooter() throws {
        let harness = try brandedHarness()
        let events = Self.mailingEvents(at: harness.clock.nowMs() + 10)
        try harness.deliver(events.map(\.0))

        for (event, recipient) in events {
            let email = try email(harness, event: event, to: recipient)
            let from = try #require(email.header("From"))
            // Not ASCII, so the name is carried as RFC 2047 encoded-words.
            #expect(from.hasPrefix("=?UTF-8?B?"), "\(event.topic)")
            #expect(EncodedWords.decode(from) == "Zoë's Support Desk <\(Self.sender)>", "\(event.topic)")
            #expect(email.body.hasSuffix("\r\n-- \r\nAcme Inc.\r\nSupport desk\r\n"), "\(event.topic)")
            #expect(!email.body.contains("-- \r\nTenantMesh"), "\(event.topic)")
        }
    }

    @Test func brandingWithoutFooterKeepsTheSignOff() throws {
        let harness = try brandedHarness(branding: ["display_name": "Acme, Support"])
        let event = Fixture.suspended("cmp_a", reason: "unpaid", reactivateAt: nil, at: harness.clock.nowMs() + 10)
        try harness.deliver([event])

        let email = try email(harness, event: event, to: "olivia@acme.example")
        #expect(email.header("From") == "\"Acme, Support\" <\(Self.sender)>")
        #expect(email.body.hasSuffix("\r\n-- \r\nTenantMesh\r\n"))
    }

    @Test(arguments: ["basic", "premium"])
    func brandingIsIgnoredBelowPlatinum(_ tier: String) throws {
        let harness = try brandedHarness(tier: tier)
        let event = Fixture.suspended("cmp_a", reason: "unpaid", reactivateAt: nil, at: harness.clock.nowMs() + 10)
        try harness.deliver([event])

        let email = try email(harness, event: event, to: "olivia@acme.example")
        #expect(email.header("From") == "TenantMesh <\(Self.sender)>")
        #expect(email.body.hasSuffix("\r\n-- \r\nTenantMesh\r\n"))
    }

    @Test func removedBrandingRestoresTenantMesh() throws {
        let harness = try brandedHarness()
        let now = harness.clock.nowMs()
        let event = Fixture.suspended("cmp_a", reason: "unpaid", reactivateAt: nil, at: now + 20)
        try harness.deliver([
            Fixture.configured("cmp_a", integrations: ["email"], webhookURL: nil, at: now + 10), event,
        ])

        let email = try email(harness, event: event, to: "olivia@acme.example")
        #expect(email.header("From") == "TenantMesh <\(Self.sender)>")
        #expect(email.body.hasSuffix("\r\n-- \r\nTenantMesh\r\n"))
    }

    @Test func exportShowsTheBranding() async throws {
        let harness = try brandedHarness()

        let exported = try await harness.call("notifications.export", ["company_id": "cmp_a"], as: .service)
        #expect(exported["company"]?["branding_name"] == "Zoë's Support Desk")
        #expect(exported["company"]?["branding_footer"] == "Acme Inc.\nSupport desk")
    }

    @Test func brandingWithoutDisplayNameIsRejected() throws {
        let harness = try NotificationHarness()
        let now = harness.clock.nowMs()
        try harness.deliver([Fixture.provisioned("cmp_a", tier: "platinum", token: Fixture.token(), at: now)])

        let event = Fixture.configured(
            "cmp_a", integrations: ["email"], webhookURL: nil, branding: ["footer": "Acme"], at: now + 1)
        #expect(throws: RPCError.self) {
            try harness.deliver([event])
        }
    }
}
