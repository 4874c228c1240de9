import Foundation
import MeshProtocol
import MeshRuntime
import MeshTesting
import Testing

@testable import Notification

@Suite struct MailRelayTests {
    typealias Fixture = NotificationEventsFixture

    func relayedHarness(_ sink: SMTPSink) throws -> NotificationHarness {
        try NotificationHarness(variables: ["MESH_SMTP_URL": sink.url])
    }

    /// Returns a sender whose relay replies may take `timeout`. A test that keeps a reply back gives a
    /// long one, because the whole test run shares two cores and the test may wait long for its turn.
    func sender(
        _ harness: NotificationHarness, relay url: String, timeout: Duration = .seconds(5)
    ) throws -> MessageSender {
        MessageSender.mail(
            store: harness.store, clock: harness.clock,
            logger: Logger(label: "notification", level: .debug, sink: harness.logs),
            outbox: OutboxFolder(path: harness.home.outboxDirectory), relay: try MailRelayTarget.parse(url),
            timeout: timeout
        )
    }

    /// Returns a harness relaying to `sink` whose company's welcome email waits for its first attempt, the
    /// sender to make it, and the time of the provisioning.
    func welcomeWaiting(on sink: SMTPSink) throws -> (NotificationHarness, MessageSender, Int64) {
        let harness = try relayedHarness(sink)
        let start = harness.clock.nowMs()
        try harness.deliver([Fixture.provisioned("cmp_a", token: Fixture.token(), at: start)])
        return (harness, try sender(harness, relay: sink.url), start)
    }

    func onlyMessage(_ harness: NotificationHarness) async throws -> JSONValue {
        let listed = try await harness.call("notifications.list", ["company_id": "cmp_a"])
        let messages = listed["messages"]?.arrayValue ?? []
        #expect(messages.count == 1)
        return try #require(messages.first)
    }

    @Test func relayReceivesTheEmailFile() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let harness = try relayedHarness(sink)
        let token = Fixture.token()
        try harness.deliver([Fixture.provisioned("cmp_a", token: token, at: harness.clock.nowMs())])

        let pending = try await onlyMessage(harness)
        #expect(pending["status"] == "pending")

        let report = try await sender(harness, relay: sink.url).sendDue()
        #expect(report.delivered == 1)

        let received = try #require(sink.messages.first)
        #expect(sink.messages.count == 1)
        #expect(received.sender == "no-reply@tenantmesh.invalid")
        #expect(received.recipients == ["olivia@acme.example"])
        #expect(received.data.contains("Subject: Welcome to TenantMesh: activate Acme Tools"))
        #expect(received.data.contains(token))

        let sent = try await onlyMessage(harness)
        #expect(sent["status"] == "sent")
        #expect(sent["attempts"] == 1)
        #expect(try await sender(harness, relay: sink.url).sendDue().attempted == 0)
    }

    @Test func deactivationStopsWaitingEmails() async throws {
        let sink = try SMTPSink(failFirst: 1)
        defer { sink.stop() }
        let (harness, sender, start) = try welcomeWaiting(on: sink)
        _ = try await sender.sendDue()
        try harness.deliver([
            Fixture.invited("cmp_a", email: "mistake@acme.example", name: "Wrong", token: Fixture.token(), at: start)
        ])
        let deactivation = Fixture.event(
            "user.deactivated", ["company_id": "cmp_a", "user_id": "usr_new", "at_ms": .int(start + 1)], at: start + 1)

        try harness.deliver([deactivation])
        try harness.setClock(start + 60_000)
        _ = try await sender.sendDue()

        #expect(sink.messages.allSatisfy { !$0.recipients.contains("mistake@acme.example") })
        let listed = try await harness.call("notifications.list", ["company_id": "cmp_a"])
        let invitation = try #require(listed["messages"]?.arrayValue?.first { $0["kind"] == "invitation" })
        #expect(invitation["status"] == "dead")
        #expect(invitation["last_error"]?.stringValue?.contains("usr_new was deactivated") == true)
        let retry = await #expect(throws: RPCError.self) {
            try await harness.call("notifications.retry", ["message_id": invitation["message_id"] ?? .null])
        }
        #expect(retry?.message.contains("who is deactivated; reactivate the user first") == true)
        let watch = try harness.deadLetterWatch()
        try await watch.check()
        let alerts = try await harness.call("notifications.alerts")
        #expect(alerts["alerts"] == [])
    }

    @Test func unreachableRelayUsesNoAttempts() async throws {
        let sink = try SMTPSink()
        let url = sink.url
        sink.stop()
        let harness = try NotificationHarness(variables: ["MESH_SMTP_URL": url])
        let start = harness.clock.nowMs()
        try harness.deliver([
            Fixture.provisioned("cmp_a", token: Fixture.token(), at: start),
            Fixture.provisioned("cmp_b", ownerEmail: "owner@b.example", token: Fixture.token(), at: start),
        ])
        let sender = try sender(harness, relay: url)

        // One pass meets the closed relay once, and the message waits without using an attempt.
        #expect(try await sender.sendDue().attempted == 1)
        var waiting = try await onlyMessage(harness)
        #expect(waiting["status"] == "failed")
        #expect(waiting["attempts"] == 0)
        #expect(waiting["last_error"]?.stringValue?.hasPrefix("waiting for the receiver: no connection") == true)
        #expect(waiting["next_attempt_ms"] == .int(start + 1_000))

        // The wait grows with the message's age, up to 5 minutes. Each pass tries one message.
        try harness.setClock(start + 600_000)
        _ = try await sender.sendDue()
        _ = try await sender.sendDue()
        waiting = try await onlyMessage(harness)
        #expect(waiting["attempts"] == 0)
        #expect(waiting["next_attempt_ms"] == .int(start + 900_000))

        // After a day of waiting, it is dead.
        try harness.setClock(start + MessageSender.unreachableGiveUpMs)
        _ = try await sender.sendDue()
        _ = try await sender.sendDue()
        let dead = try await onlyMessage(harness)
        #expect(dead["status"] == "dead")
        #expect(dead["last_error"]?.stringValue?.contains("the message has waited a day for it") == true)
    }

    @Test func missingFileMakesTheEmailDeadAtOnce() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let (harness, sender, _) = try welcomeWaiting(on: sink)
        let waiting = try await onlyMessage(harness)
        let messageID = try #require(waiting["message_id"]?.stringValue)
        try FileManager.default.removeItem(atPath: harness.home.outboxDirectory + "/" + messageID + ".eml")

        _ = try await sender.sendDue()

        let dead = try await onlyMessage(harness)
        #expect(dead["status"] == "dead")
        #expect(dead["attempts"] == 1)
        #expect(
            dead["last_error"]?.stringValue?.contains("must stay in the outbox folder until the message is sent")
                == true)
        #expect(sink.messages.isEmpty)
    }

    @Test func rejectedDataIsRetriedWithBackoff() async throws {
        let sink = try SMTPSink(failFirst: 1)
        defer { sink.stop() }
        let (harness, sender, start) = try welcomeWaiting(on: sink)

        #expect(try await sender.sendDue().failed == 1)
        let failed = try await onlyMessage(harness)
        #expect(failed["status"] == "failed")
        #expect(failed["last_error"]?.stringValue?.contains("451") == true)
        #expect(failed["next_attempt_ms"] == .int(start + 1_000))

        #expect(try await sender.sendDue().attempted == 0)
        try harness.setClock(start + 1_000)
        #expect(try await sender.sendDue().delivered == 1)
        #expect(sink.messages.count == 1)
    }

    @Test func permanentRefusalIsDeadAtOnce() async throws {
        let sink = try SMTPSink(failFirst: 1, failureReply: "554 5.7.1 message refused")
        defer { sink.stop() }
        let (harness, sender, start) = try welcomeWaiting(on: sink)

        // SMTP's 5xx replies are permanent, so trying again on the schedule cannot help.
        #expect(try await sender.sendDue().deadLettered == 1)
        let dead = try await onlyMessage(harness)
        #expect(dead["status"] == "dead")
        #expect(dead["attempts"] == 1)
        #expect(dead["last_error"]?.stringValue?.contains("554") == true)
        #expect(dead["last_error"]?.stringValue?.contains("permanent") == true)
        try harness.setClock(start + 60_000)
        #expect(try await sender.sendDue().attempted == 0)
    }

    @Test func deliveredAfterDeletionIsRecordedSent() async throws {
        let sink = try SMTPSink(gate: ReplyGate(holding: 1))
        defer { sink.stop() }
        let (harness, _, start) = try welcomeWaiting(on: sink)
        let patientSender = try sender(harness, relay: sink.url, timeout: .seconds(300))

        // The company is deleted while the relay keeps back its reply to the welcome email, then takes it.
        // High priority: see SenderStopTests.
        let sending = Task(priority: .high) { try await patientSender.sendDue() }
        try await sink.gate.waitUntilHolding()
        try harness.deliver([Fixture.deleted("cmp_a", at: start + 1)])
        sink.gate.release()
        #expect(try await sending.value.delivered == 1)

        let export = try await harness.call("notifications.export", ["company_id": "cmp_a"])
        let message = try #require(export["messages"]?.arrayValue?.first)
        #expect(message["status"] == "sent")
        #expect(message["sent_at_ms"]?.intValue != nil)
        #expect(sink.messages.count == 1)
    }

    @Test func dataWithoutAReplyIsNotSentAgain() async throws {
        let sink = try SMTPSink(answersData: false)
        defer { sink.stop() }
        let (harness, sender, start) = try welcomeWaiting(on: sink)

        // The relay has the whole message but sent no reply. It may deliver it, so it is not resent.
        #expect(try await sender.sendDue().deadLettered == 1)
        let dead = try await onlyMessage(harness)
        #expect(dead["status"] == "dead")
        #expect(dead["last_error"]?.stringValue?.contains("may have the message") == true)
        try harness.setClock(start + 60_000)
        #expect(try await sender.sendDue().attempted == 0)
        #expect(sink.messages.count == 1)
    }

    @Test func deadEmailCanBeRetried() async throws {
        let sink = try SMTPSink()
        let closedURL = sink.url
        sink.stop()
        let harness = try NotificationHarness(variables: ["MESH_SMTP_URL": closedURL])
        var now = harness.clock.nowMs()
        try harness.deliver([Fixture.provisioned("cmp_a", token: Fixture.token(), at: now)])
        let sender = try sender(harness, relay: closedURL)

        // A relay that stays unreachable for a day makes the message dead.
        _ = try await sender.sendDue()
        now += MessageSender.unreachableGiveUpMs
        try harness.setClock(now)
        _ = try await sender.sendDue()
        let dead = try await onlyMessage(harness)
        #expect(dead["status"] == "dead")
        #expect(dead["last_error"]?.stringValue?.contains("the SMTP relay at smtp://127.0.0.1") == true)

        let retried = try await harness.call("notifications.retry", ["message_id": try #require(dead["message_id"])])
        #expect(retried["status"] == "pending")
        #expect(retried["attempts"] == 0)
        #expect(retried["last_error"] == dead["last_error"])
    }

    @Test(arguments: [
        ("smtp://mail.example.com:25", "not this machine's loopback"),
        ("http://127.0.0.1:25", "not smtp"),
        ("smtp://user@127.0.0.1:25", "user name"),
        ("smtp://127.0.0.1:0", "invalid port"),
        ("smtp://127.0.0.1:25/path", "path"),
        ("smtp://[::1]:25", "IPv6"),
        ("smtp://127.0.0.1:+25", "invalid port"),
    ])
    func badRelayURLStopsTheService(url: String, problem: String) throws {
        let error = #expect(throws: RPCError.self) {
            _ = try NotificationHarness(variables: ["MESH_SMTP_URL": url])
        }
        #expect(error?.status == .invalidArgument)
        #expect(error?.message.contains("MESH_SMTP_URL") == true)
        #expect(error?.message.contains(problem) == true)
    }

    @Test func startingWithoutRelayKillsWaitingMail() async throws {
        let sink = try SMTPSink()
        let harness = try relayedHarness(sink)
        sink.stop()
        try harness.deliver([Fixture.provisioned("cmp_a", token: Fixture.token(), at: harness.clock.nowMs())])
        #expect(try await onlyMessage(harness)["status"] == "pending")

        // The process starts again on the same store, now without MESH_SMTP_URL.
        let restarted = try ServiceEnvironment(
            name: NotificationService.name, home: harness.home, store: harness.store, clock: harness.clock,
            logger: Logger(label: "notification", level: .debug, sink: harness.logs), peers: harness.peers,
            variables: [:], eventsPublished: {}
        )
        let parts = try NotificationService.make(restarted)

        let dead = try await onlyMessage(harness)
        #expect(dead["status"] == "dead")
        #expect(dead["last_error"]?.stringValue?.contains("no SMTP relay is configured") == true)

        let retry = try #require(parts.methods["notifications.retry"])
        let context = MethodContext(
            method: "notifications.retry", requestID: .int(1), meta: RequestMeta(), caller: .root, deadline: nil,
            logger: restarted.logger, clock: harness.clock, peers: harness.peers
        )
        let error = await #expect(throws: RPCError.self) {
            _ = try await retry.handler(["message_id": try #require(dead["message_id"])], context)
        }
        #expect(error?.status == .failedPrecondition)
        #expect(error?.message.contains("Set MESH_SMTP_URL") == true)
    }

    @Test func relayURLDefaultsToPort25() throws {
        let target = try MailRelayTarget.parse("smtp://localhost")
        #expect(target.port == 25)
        #expect(target.connectURL == "smtp://127.0.0.1:25")
    }
}
