import MeshRuntime
import MeshStore
import MeshTesting
import Testing

@testable import Notification

/// Stopping a sender in the middle of a batch: only the attempt in flight may be uncertain, a clean stop
/// stores its outcome, and the rest of the batch goes out once after a restart.
@Suite struct SenderStopTests {
    typealias Fixture = NotificationEventsFixture

    /// How long a sender waits for a reply. The receivers hold one back until the test releases it, and
    /// the whole test run shares two cores, so the test may wait long for its turn meanwhile.
    static let heldReplyTimeout: Duration = .seconds(300)

    /// One message row as the sender leaves it.
    struct Row: Equatable {
        let messageID: String
        let status: String
        let attempts: Int64
        let started: Bool
    }

    func rows(_ harness: NotificationHarness, _ channel: MessageChannel) throws -> [Row] {
        try harness.store.readSync { connection in
            try connection.query(
                "SELECT message_id, status, attempts, attempt_started_ms FROM messages WHERE channel = ? ORDER BY seq",
                [.text(channel.rawValue)]
            ).map { row in
                Row(
                    messageID: try row.requireString("message_id"), status: try row.requireString("status"),
                    attempts: try row.requireInt("attempts"), started: row.int("attempt_started_ms") != nil
                )
            }
        }
    }

    /// Runs `sender` until the receiver holds back its reply to the fifth of 20 due messages, checks what a
    /// crash at that moment would leave, then stops the sender and lets the reply through. Returns the id
    /// of the message that was in flight.
    func stopWhileFifthIsHeld(
        _ sender: MessageSender, gate: ReplyGate, channel: MessageChannel, harness: NotificationHarness
    ) async throws -> String {
        #expect(try rows(harness, channel).count == 20)
        // High priority gives the sender, which stands for a process of its own, threads that the rest
        // of the test run is not queued on.
        let running = Task(priority: .high) { await sender.run(pollInterval: .milliseconds(10)) }
        defer { running.cancel() }
        try await gate.waitUntilHolding()

        // A crash now would leave only the attempt in flight uncertain. The 15 others were never started.
        var state = try rows(harness, channel)
        let inFlight = state.filter(\.started)
        #expect(inFlight.count == 1)
        #expect(inFlight.first?.attempts == 1)
        #expect(state.filter { $0.status == "sent" }.count == 4)
        var waiting = state.filter { $0.status == "pending" && !$0.started }
        #expect(waiting.count == 15)
        #expect(waiting.allSatisfy { $0.attempts == 0 })

        running.cancel()
        gate.release()
        await running.value

        // The clean stop stored the outcome of the attempt in flight and started no other.
        state = try rows(harness, channel)
        let stopped = try #require(inFlight.first)
        #expect(state.first { $0.messageID == stopped.messageID }?.status == "sent")
        #expect(state.filter(\.started).count == 0)
        #expect(state.filter { $0.status == "sent" }.count == 5)
        waiting = state.filter { $0.status == "pending" }
        #expect(waiting.count == 15)
        #expect(waiting.allSatisfy { $0.attempts == 0 })
        return stopped.messageID
    }

    /// Runs a pass of `sender`, as the restarted process would, and checks that each of the 20 messages
    /// reached the receiver exactly once. `received` returns the message ids the receiver got.
    func expectRestartSendsTheRestOnce(
        _ sender: MessageSender, channel: MessageChannel, harness: NotificationHarness,
        received: () -> [String]
    ) async throws {
        let restarted = try await sender.sendDue()
        #expect(restarted.delivered == 15)
        #expect(restarted.deadLettered == 0)

        let stored = try rows(harness, channel)
        #expect(stored.allSatisfy { $0.status == "sent" })
        #expect(stored.allSatisfy { $0.attempts == 1 })
        let ids = received()
        #expect(ids.count == 20)
        #expect(Set(ids) == Set(stored.map(\.messageID)))
    }

    @Test func stoppedMailSenderSendsRestOnce() async throws {
        let sink = try SMTPSink(gate: ReplyGate(holding: 5))
        defer { sink.stop() }
        let harness = try NotificationHarness(variables: ["MESH_SMTP_URL": sink.url])
        let now = harness.clock.nowMs()
        let invitations = (1...19).map { index in
            Fixture.invited(
                "cmp_a", email: "user\(index)@acme.example", name: "User \(index)", token: Fixture.token(), at: now)
        }
        try harness.deliver([Fixture.provisioned("cmp_a", token: Fixture.token(), at: now)] + invitations)
        func sender() throws -> MessageSender {
            MessageSender.mail(
                store: harness.store, clock: harness.clock,
                logger: Logger(label: "notification", level: .debug, sink: harness.logs),
                outbox: OutboxFolder(path: harness.home.outboxDirectory), relay: try MailRelayTarget.parse(sink.url),
                timeout: Self.heldReplyTimeout
            )
        }

        let inFlight = try await stopWhileFifthIsHeld(try sender(), gate: sink.gate, channel: .email, harness: harness)
        #expect(sink.messages.count == 5)
        #expect(sink.messages.last?.messageID == inFlight)

        try await expectRestartSendsTheRestOnce(try sender(), channel: .email, harness: harness) {
            sink.messages.compactMap(\.messageID)
        }
    }

    @Test func stoppedWebhookSenderPostsRestOnce() async throws {
        let receiver = try LoopbackReceiver(failFirst: 0, gate: ReplyGate(holding: 5))
        defer { receiver.stop() }
        let harness = try NotificationHarness()
        let now = harness.clock.nowMs()
        let changes = (0..<20).map { index in
            index.isMultiple(of: 2)
                ? Fixture.tierChanged("cmp_a", from: "premium", to: "platinum", at: now)
                : Fixture.tierChanged("cmp_a", from: "platinum", to: "premium", at: now)
        }
        try harness.deliver(
            [
                Fixture.provisioned("cmp_a", tier: "premium", token: Fixture.token(), at: now),
                Fixture.configured(
                    "cmp_a", integrations: ["email", "slack_webhook"], webhookURL: receiver.url(), at: now),
            ] + changes
        )
        func sender() -> MessageSender {
            MessageSender.webhooks(
                store: harness.store, clock: harness.clock,
                logger: Logger(label: "notification", level: .debug, sink: harness.logs),
                requestTimeout: Self.heldReplyTimeout)
        }

        let inFlight = try await stopWhileFifthIsHeld(
            sender(), gate: receiver.gate, channel: .webhook, harness: harness)
        #expect(receiver.requests.count == 5)
        #expect(receiver.requests.last?.headers["x-tenantmesh-message-id"] == inFlight)

        try await expectRestartSendsTheRestOnce(sender(), channel: .webhook, harness: harness) {
            receiver.requests.compactMap { $0.headers["x-tenantmesh-message-id"] }
        }
    }
}
