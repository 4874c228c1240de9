import Foundation
import MeshProtocol
import MeshRuntime
import MeshTesting
import Testing

@testable import Notification

@Suite struct WelcomeMailTests {
    typealias Fixture = NotificationEventsFixture

    @Test func welcomeEmailCarriesTheToken() async throws {
        let harness = try NotificationHarness()
        let token = Fixture.token()
        let at = harness.clock.nowMs()
        let event = Fixture.provisioned("cmp_a", token: token, at: at)

        try harness.deliver([event])

        let outbox = OutboxReader(home: harness.home)
        let names = try outbox.emlNames()
        #expect(names.count == 1)
        let messageID = MessageID.derive(eventID: event.eventID, recipient: "olivia@acme.example", channel: .email)
        #expect(names == [messageID + ".eml"])

        let text = try outbox.text(try #require(names.first))
        #expect(text.contains("echo '{\"token\":\"\(token)\"}' | mesh call auth.acceptInvitation -"))
        #expect(!text.lowercased().contains("password"))
        let email = try ParsedEmail(text)
        #expect(email.header("To") == "Olivia Owner <olivia@acme.example>")
        #expect(email.header("Subject") == "Welcome to TenantMesh: activate Acme Tools")
        #expect(email.header("Date") == EmailDate.rfc5322(at))
        #expect(email.header("Message-ID") == "<\(messageID)@tenantmesh.invalid>")
        #expect(email.body.contains("expires on \(EmailDate.readable(at + 7 * Fixture.day))"))
        #expect(email.body.contains("Its company id is cmp_a."))

        let listed = try await harness.call("notifications.list", ["company_id": "cmp_a"])
        let messages = try #require(listed["messages"]?.arrayValue)
        #expect(messages.count == 1)
        #expect(messages.first?["message_id"]?.stringValue == messageID)
        #expect(messages.first?["kind"]?.stringValue == "welcome")
        #expect(messages.first?["channel"]?.stringValue == "email")
        #expect(messages.first?["status"]?.stringValue == "sent")
        #expect(messages.first?["recipient"]?.stringValue == "olivia@acme.example")
        #expect(!listed.allStrings.contains { $0.contains(token) })
    }

    @Test func duplicateDeliveryKeepsOneFile() async throws {
        let harness = try NotificationHarness()
        let event = Fixture.provisioned("cmp_a", token: Fixture.token(), at: harness.clock.nowMs())

        #expect(try harness.deliver([event]) == 1)
        #expect(try harness.deliver([event]) == 0)

        #expect(try OutboxReader(home: harness.home).emlNames().count == 1)
        let listed = try await harness.call("notifications.list", ["company_id": "cmp_a"])
        #expect(listed["messages"]?.arrayValue?.count == 1)
    }

    /// A crash after the file was written but before the commit leaves the file and no row. The
    /// redelivered event must end with that same single file, not a second one.
    @Test func rerunAfterRollbackRewritesSameFile() async throws {
        let harness = try NotificationHarness()
        let event = Fixture.provisioned("cmp_a", token: Fixture.token(), at: harness.clock.nowMs())
        let handler = try #require(harness.parts.eventHandlers["company.provisioned"])
        let outbox = OutboxReader(home: harness.home)

        #expect(throws: AbortedWrite.self) {
            try harness.store.writeSync { connection in
                try handler(event, connection)
                throw AbortedWrite()
            }
        }
        let leftBehind = try outbox.emlNames()
        #expect(leftBehind.count == 1)
        let firstText = try outbox.text(try #require(leftBehind.first))
        let afterAbort = try harness.store.readSync { try $0.scalarInt("SELECT COUNT(*) FROM messages") }
        #expect(afterAbort == 0)

        try harness.setClock(harness.clock.nowMs() + 60_000)
        try harness.deliver([event])

        #expect(try outbox.allNames() == leftBehind)
        #expect(try outbox.text(try #require(leftBehind.first)) == firstText)
        let listed = try await harness.call("notifications.list", ["company_id": "cmp_a"])
        #expect(listed["messages"]?.arrayValue?.count == 1)
    }

    @Test func tokensNeverReachTheDatabaseFiles() async throws {
        let harness = try NotificationHarness()
        let ownerToken = Fixture.token()
        let userToken = Fixture.token()
        let at = harness.clock.nowMs()

        try harness.deliver([Fixture.provisioned("cmp_a", token: ownerToken, at: at)])
        try harness.deliver([
            Fixture.invited("cmp_a", email: "ivan@acme.example", name: "Ivan", token: userToken, at: at + 1000)
        ])

        let outbox = OutboxReader(home: harness.home)
        #expect(!outbox.databaseBytes("notification").isEmpty)
        // The scan does find what is stored: the recipients' addresses.
        #expect(outbox.databaseContains("ivan@acme.example"))
        #expect(!outbox.databaseContains(ownerToken))
        #expect(!outbox.databaseContains(userToken))

        try harness.store.checkpoint(truncate: true)
        #expect(outbox.databaseContains("ivan@acme.example"))
        #expect(!outbox.databaseContains(ownerToken))
        #expect(!outbox.databaseContains(userToken))
    }

    @Test func missingOwnerEmailIsRejected() throws {
        let harness = try NotificationHarness()
        var event = Fixture.provisioned("cmp_a", token: Fixture.token(), at: harness.clock.nowMs())
        guard case .object(var payload) = event.payload, case .object(var owner)? = payload["owner"] else {
            Issue.record("fixture payload is not an object")
            return
        }
        owner["email"] = nil
        payload["owner"] = .object(owner)
        event = MeshEvent(
            eventID: event.eventID, topic: event.topic, payload: .object(payload), createdAtMs: event.createdAtMs,
            source: "tenancy")

        let error = #expect(throws: RPCError.self) { try harness.deliver([event]) }
        #expect(error?.status == .invalidArgument)
        #expect(error?.details?["field"]?.stringValue == "payload.owner.email")
        #expect(try OutboxReader(home: harness.home).emlNames().isEmpty)
    }

    @Test func unsafeTokenIsRejected() throws {
        let harness = try NotificationHarness()
        let event = Fixture.provisioned("cmp_a", token: "abc'; rm -rf ~; echo '", at: harness.clock.nowMs())

        let error = #expect(throws: RPCError.self) { try harness.deliver([event]) }
        #expect(error?.details?["field"]?.stringValue == "payload.invitation.token")
    }
}

struct AbortedWrite: Error {}
