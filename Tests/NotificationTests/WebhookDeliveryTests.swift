import Foundation
import MeshProtocol
import MeshRuntime
import MeshTesting
import Testing

@testable import Notification

@Suite struct WebhookDeliveryTests {
    typealias Fixture = NotificationEventsFixture

    /// Returns a harness with a Premium company `cmp_a` whose webhook (Slack-style unless
    /// `integration` names another) points at `url`.
    func premiumHarness(webhookURL url: String, integration: String = "slack_webhook") throws -> NotificationHarness {
        let harness = try NotificationHarness()
        let now = harness.clock.nowMs()
        try harness.deliver([
            Fixture.provisioned("cmp_a", tier: "premium", token: Fixture.token(), at: now),
            Fixture.configured("cmp_a", integrations: ["email", integration], webhookURL: url, at: now),
        ])
        return harness
    }

    @Test func genericWebhookPostsTheMessageFacts() async throws {
        let receiver = try LoopbackReceiver(failFirst: 0)
        defer { receiver.stop() }
        let harness = try premiumHarness(webhookURL: receiver.url(), integration: "webhook")
        let start = harness.clock.nowMs()
        let event = Fixture.tierChanged("cmp_a", from: "premium", to: "platinum", at: start)
        try harness.deliver([event])

        #expect(try await sender(harness).sendDue().delivered == 1)

        let message = try await onlyWebhookMessage(harness)
        let request = try #require(receiver.requests.first)
        let body = try JSONParser.parse(Array(request.body.utf8))
        #expect(body["text"] == "TenantMesh: Acme Tools was upgraded from Premium to Platinum.")
        #expect(body["message_id"] == message["message_id"])
        #expect(body["event_id"]?.stringValue == event.eventID)
        #expect(body["company_id"] == "cmp_a")
        #expect(body["kind"] == "tier_changed")
        #expect(body["subject"] == message["subject"])
        #expect(body["created_at_ms"] == message["created_at_ms"])
    }

    func sender(_ harness: NotificationHarness) -> MessageSender {
        MessageSender.webhooks(
            store: harness.store, clock: harness.clock,
            logger: Logger(label: "notification", level: .debug, sink: harness.logs))
    }

    func webhookMessages(_ harness: NotificationHarness) async throws -> [JSONValue] {
        let listed = try await harness.call("notifications.list", ["company_id": "cmp_a"])
        return listed["messages"]?.arrayValue?.filter { $0["channel"]?.stringValue == "webhook" } ?? []
    }

    func onlyWebhookMessage(_ harness: NotificationHarness) async throws -> JSONValue {
        let messages = try await webhookMessages(harness)
        #expect(messages.count == 1)
        return try #require(messages.first)
    }

    @Test func postWithoutAnAnswerIsNotSentAgain() async throws {
        let receiver = try LoopbackReceiver(failFirst: 0, answers: false)
        defer { receiver.stop() }
        let harness = try premiumHarness(webhookURL: receiver.url())
        let start = harness.clock.nowMs()
        let sender = sender(harness)
        try harness.deliver([Fixture.tierChanged("cmp_a", from: "premium", to: "platinum", at: start)])

        let report = try await sender.sendDue()

        // The receiver read the whole request, so it may have acted on it: no automatic second post.
        #expect(report.deadLettered == 1)
        let message = try await onlyWebhookMessage(harness)
        #expect(message["status"]?.stringValue == "dead")
        #expect(message["last_error"]?.stringValue?.contains("may have the message") == true)
        try harness.setClock(start + 60_000)
        #expect(try await sender.sendDue().attempted == 0)
        #expect(receiver.requests.count == 1)
    }

    @Test func interimContinueIsSkipped() async throws {
        let receiver = try LoopbackReceiver(failFirst: 0, interim: "HTTP/1.1 100 Continue\r\n\r\n")
        defer { receiver.stop() }
        let harness = try premiumHarness(webhookURL: receiver.url())
        try harness.deliver([Fixture.tierChanged("cmp_a", from: "premium", to: "platinum", at: harness.clock.nowMs())])

        let report = try await sender(harness).sendDue()

        #expect(report.deadLettered == 0)
        #expect(try await onlyWebhookMessage(harness)["status"]?.stringValue == "sent")
        #expect(receiver.requests.count == 1)
    }

    @Test func unreadableResponseIsNotSentAgain() async throws {
        let receiver = try LoopbackReceiver(failFirst: 0, response: "OK THANKS\r\n\r\n")
        defer { receiver.stop() }
        let harness = try premiumHarness(webhookURL: receiver.url())
        try harness.deliver([Fixture.tierChanged("cmp_a", from: "premium", to: "platinum", at: harness.clock.nowMs())])

        let report = try await sender(harness).sendDue()

        // The receiver read the whole request before its odd response, so it may have the message.
        #expect(report.deadLettered == 1)
        let message = try await onlyWebhookMessage(harness)
        #expect(message["last_error"]?.stringValue?.contains("did not start with an HTTP/1.x status line") == true)
        #expect(receiver.requests.count == 1)
    }

    @Test func failedPostsRetryWithBackoff() async throws {
        let receiver = try LoopbackReceiver(failFirst: 2)
        defer { receiver.stop() }
        let harness = try premiumHarness(webhookURL: receiver.url())
        let start = harness.clock.nowMs()
        let sender = sender(harness)
        try harness.deliver([Fixture.tierChanged("cmp_a", from: "premium", to: "platinum", at: start)])

        var report = try await sender.sendDue()
        #expect(report.attempted == 1)
        #expect(report.failed == 1)
        var message = try await onlyWebhookMessage(harness)
        #expect(message["status"]?.stringValue == "failed")
        #expect(message["attempts"]?.intValue == 1)
        #expect(message["next_attempt_ms"]?.intValue == start + 1000)
        #expect(message["last_error"]?.stringValue?.contains("HTTP 500") == true)

        report = try await sender.sendDue()
        #expect(report.attempted == 0)

        try harness.setClock(start + 1000)
        report = try await sender.sendDue()
        #expect(report.attempted == 1)
        #expect(report.failed == 1)
        message = try await onlyWebhookMessage(harness)
        #expect(message["next_attempt_ms"]?.intValue == start + 1000 + 2000)

        try harness.setClock(start + 2999)
        #expect(try await sender.sendDue().attempted == 0)

        try harness.setClock(start + 3000)
        report = try await sender.sendDue()
        #expect(report.delivered == 1)
        message = try await onlyWebhookMessage(harness)
        #expect(message["status"]?.stringValue == "sent")
        #expect(message["attempts"]?.intValue == 3)
        #expect(message["sent_at_ms"]?.intValue == start + 3000)

        let requests = receiver.requests
        #expect(requests.count == 3)
        for request in requests {
            #expect(request.requestLine == "POST /hooks/tenantmesh HTTP/1.1")
            #expect(request.headers["content-type"] == "application/json")
            #expect(request.headers["x-tenantmesh-message-id"] == message["message_id"]?.stringValue)
            let body = try #require(
                try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: String])
            #expect(body.keys.sorted() == ["text"])
            #expect(body["text"] == "TenantMesh: Acme Tools was upgraded from Premium to Platinum.")
        }
        #expect(try OutboxReader(home: harness.home).emlNames().count == 2)
    }

    @Test func fiveFailuresDeadLetterThenRetry() async throws {
        let receiver = try LoopbackReceiver(failFirst: 5)
        defer { receiver.stop() }
        let harness = try premiumHarness(webhookURL: receiver.url())
        var now = harness.clock.nowMs()
        let sender = sender(harness)
        try harness.deliver([Fixture.suspended("cmp_a", reason: "unpaid invoice", reactivateAt: nil, at: now)])

        for wait: Int64 in [1000, 2000, 4000, 8000] {
            #expect(try await sender.sendDue().failed == 1)
            #expect(try await onlyWebhookMessage(harness)["next_attempt_ms"]?.intValue == now + wait)
            now += wait
            try harness.setClock(now)
        }
        #expect(try await sender.sendDue().deadLettered == 1)
        var message = try await onlyWebhookMessage(harness)
        #expect(message["status"]?.stringValue == "dead")
        #expect(message["attempts"]?.intValue == 5)
        #expect((message["next_attempt_ms"] ?? .null) == .null)
        #expect(message["last_error"]?.stringValue?.hasPrefix("attempt 5:") == true)

        try harness.advance(days: 1)
        #expect(try await sender.sendDue().attempted == 0)

        let messageID = try #require(message["message_id"]?.stringValue)
        let owner = Caller(kind: .user, companyID: "cmp_a", userID: "cmp_a_owner", role: "owner")
        let denied = await #expect(throws: RPCError.self) {
            try await harness.call("notifications.retry", ["message_id": .string(messageID)], as: owner)
        }
        #expect(denied?.status == .permissionDenied)

        message = try await harness.call("notifications.retry", ["message_id": .string(messageID)])
        #expect(message["status"]?.stringValue == "pending")
        #expect(message["attempts"]?.intValue == 0)
        #expect(try await sender.sendDue().delivered == 1)
        #expect(try await onlyWebhookMessage(harness)["status"]?.stringValue == "sent")
        #expect(receiver.requests.count == 6)
    }

    @Test func cutOffAttemptIsNeverResent() async throws {
        let receiver = try LoopbackReceiver(failFirst: 0)
        defer { receiver.stop() }
        let harness = try premiumHarness(webhookURL: receiver.url())
        let now = harness.clock.nowMs()
        try harness.deliver([Fixture.tierChanged("cmp_a", from: "premium", to: "platinum", at: now)])

        // A sender starts the attempt and stops before it stores the outcome, as a killed process would.
        let started = try harness.store.writeSync { connection in
            try MessageSender.startNextAttempt(.webhook, now: now, in: connection)
        }
        #expect(started?.number == 1)

        let report = try await sender(harness).sendDue()
        #expect(report.deadLettered == 1)
        #expect(report.attempted == 0)
        #expect(receiver.requests.isEmpty)

        let dead = try await onlyWebhookMessage(harness)
        #expect(dead["status"] == "dead")
        #expect(dead["last_error"]?.stringValue?.contains("attempt 1 was cut off") == true)
        let logged = harness.logs.captured.first { $0.contains("webhook.attempt_cut_off") }
        #expect(logged?.contains("message_ids=\(dead["message_id"]?.stringValue ?? "?")") == true)

        _ = try await harness.call("notifications.retry", ["message_id": try #require(dead["message_id"])])
        #expect(try await sender(harness).sendDue().delivered == 1)
        #expect(receiver.requests.count == 1)
    }

    @Test func slowDripResponseTimesOut() async throws {
        let receiver = try LoopbackReceiver(failFirst: 0, drip: .milliseconds(200))
        defer { receiver.stop() }
        let client = LoopbackHTTPClient(timeout: .seconds(1))

        // Each byte comes well within the timeout, but the whole response would take about 12 s.
        let outcome = await client.post(
            try WebhookTarget.parse(receiver.url()), body: Array(#"{"text":"slow"}"#.utf8), messageID: "msg_slow")

        #expect(outcome == .uncertain("the request went out, but the receiver sent no response: timed out"))
        #expect(receiver.requests.count == 1)
    }

    @Test func refusedConnectionIsFailedAttempt() async throws {
        let closed = try LoopbackReceiver(failFirst: 0)
        closed.stop()
        let harness = try premiumHarness(webhookURL: closed.url())
        try harness.deliver([Fixture.reactivated("cmp_a", automatic: false, at: harness.clock.nowMs())])

        #expect(try await sender(harness).sendDue().failed == 1)
        let message = try await onlyWebhookMessage(harness)
        #expect(message["last_error"]?.stringValue?.contains("could not connect to 127.0.0.1:\(closed.port)") == true)
    }

    @Test func nonLoopbackWebhookIsRejected() async throws {
        let harness = try premiumHarness(webhookURL: "http://hooks.example.com/tenantmesh")
        try harness.deliver([Fixture.tierChanged("cmp_a", from: "premium", to: "platinum", at: harness.clock.nowMs())])

        #expect(try await webhookMessages(harness).isEmpty)
        let exported = try await harness.call("notifications.export", ["company_id": "cmp_a"], as: .service)
        #expect((exported["company"]?["webhook_url"] ?? .null) == .null)
        let problem = try #require(exported["company"]?["webhook_problem"]?.stringValue)
        #expect(problem.contains("hooks.example.com"))
        #expect(problem.contains("http://127.0.0.1:PORT/path"))
    }

    @Test func changedWebhookAbandonsPendingPosts() async throws {
        let receiver = try LoopbackReceiver(failFirst: 0)
        defer { receiver.stop() }
        let harness = try premiumHarness(webhookURL: receiver.url("/old"))
        let now = harness.clock.nowMs()
        try harness.deliver([
            Fixture.tierChanged("cmp_a", from: "premium", to: "platinum", at: now),
            Fixture.configured("cmp_a", integrations: ["email", "webhook"], webhookURL: receiver.url("/new"), at: now),
        ])

        let message = try await onlyWebhookMessage(harness)
        #expect(message["status"]?.stringValue == "dead")
        #expect(message["last_error"]?.stringValue?.contains("changed or removed its webhook") == true)
        #expect(try await sender(harness).sendDue().attempted == 0)

        let refused = await #expect(throws: RPCError.self) {
            try await harness.call("notifications.retry", ["message_id": message["message_id"] ?? .null])
        }
        #expect(refused?.status == .failedPrecondition)
        #expect(receiver.requests.isEmpty)
    }

    @Test(arguments: [true, false])
    func abandonedPostInFlightIsNotRetried(delivered: Bool) async throws {
        let receiver = try LoopbackReceiver(failFirst: 0)
        defer { receiver.stop() }
        let harness = try premiumHarness(webhookURL: receiver.url("/a"))
        let now = harness.clock.nowMs()
        try harness.deliver([Fixture.tierChanged("cmp_a", from: "premium", to: "platinum", at: now)])
        let attempt = try #require(
            try harness.store.writeSync { try MessageSender.startNextAttempt(.webhook, now: now, in: $0) })

        // While the post is under way, the company points its webhook elsewhere and straight back.
        try harness.deliver([
            Fixture.configured(
                "cmp_a", integrations: ["email", "slack_webhook"], webhookURL: receiver.url("/b"), at: now),
            Fixture.configured(
                "cmp_a", integrations: ["email", "slack_webhook"], webhookURL: receiver.url("/a"), at: now),
        ])
        let abandoned = try await onlyWebhookMessage(harness)
        #expect(abandoned["status"] == "dead")

        let busy = await #expect(throws: RPCError.self) {
            try await harness.call("notifications.retry", ["message_id": abandoned["message_id"] ?? .null])
        }
        #expect(busy?.status == .failedPrecondition)
        #expect(busy?.retryable == true)
        #expect(busy?.message.contains("is being sent right now") == true)

        let outcome: DeliveryOutcome = delivered ? .delivered(status: 200) : .uncertain("the receiver sent no response")
        try harness.store.writeSync { connection in
            _ = try MessageSender.record(outcome, for: attempt, now: now, in: connection)
        }
        let settled = try await onlyWebhookMessage(harness)
        if delivered {
            // The post that was under way arrived, so the message is sent and is never posted again.
            #expect(settled["status"] == "sent")
            let sent = await #expect(throws: RPCError.self) {
                try await harness.call("notifications.retry", ["message_id": settled["message_id"] ?? .null])
            }
            #expect(sent?.message.contains("not dead") == true)
        } else {
            #expect(settled["status"] == "dead")
            #expect(settled["last_error"]?.stringValue?.contains("the receiver may have the message") == true)
            let retried = try await harness.call("notifications.retry", ["message_id": settled["message_id"] ?? .null])
            #expect(retried["status"] == "pending")
        }
        #expect(try await sender(harness).sendDue().delivered == (delivered ? 0 : 1))
    }

    @Test func abandonedPostCutOffCanBeRetried() async throws {
        let receiver = try LoopbackReceiver(failFirst: 0)
        defer { receiver.stop() }
        let harness = try premiumHarness(webhookURL: receiver.url("/a"))
        let now = harness.clock.nowMs()
        try harness.deliver([Fixture.tierChanged("cmp_a", from: "premium", to: "platinum", at: now)])
        _ = try harness.store.writeSync { try MessageSender.startNextAttempt(.webhook, now: now, in: $0) }
        try harness.deliver([
            Fixture.configured(
                "cmp_a", integrations: ["email", "slack_webhook"], webhookURL: receiver.url("/b"), at: now),
            Fixture.configured(
                "cmp_a", integrations: ["email", "slack_webhook"], webhookURL: receiver.url("/a"), at: now),
        ])

        // The process stopped during the post, so the next pass finds the attempt's mark left behind.
        #expect(try await sender(harness).sendDue().attempted == 0)
        let dead = try await onlyWebhookMessage(harness)
        #expect(dead["status"] == "dead")
        #expect(dead["last_error"]?.stringValue?.contains("changed or removed its webhook") == true)
        #expect(dead["last_error"]?.stringValue?.contains("attempt 1 was cut off") == true)

        let retried = try await harness.call("notifications.retry", ["message_id": dead["message_id"] ?? .null])
        #expect(retried["status"] == "pending")
        #expect(try await sender(harness).sendDue().delivered == 1)
        #expect(receiver.requests.count == 1)
    }

    @Test func deadLettersListEveryLiveCompany() async throws {
        let receiver = try LoopbackReceiver(failFirst: 0)
        defer { receiver.stop() }
        let harness = try premiumHarness(webhookURL: receiver.url("/a"))
        let now = harness.clock.nowMs()
        try harness.deliver([
            Fixture.provisioned("cmp_b", tier: "premium", token: Fixture.token(), at: now),
            Fixture.configured(
                "cmp_b", integrations: ["email", "slack_webhook"], webhookURL: receiver.url("/b"), at: now),
            Fixture.tierChanged("cmp_a", from: "premium", to: "platinum", at: now),
            Fixture.tierChanged("cmp_b", from: "premium", to: "platinum", at: now),
            Fixture.tierChanged("cmp_a", from: "platinum", to: "premium", at: now + 1),
            // cmp_a moves its webhook, which abandons its two posts; cmp_b is deleted, which abandons its one.
            Fixture.configured(
                "cmp_a", integrations: ["email", "slack_webhook"], webhookURL: receiver.url("/c"), at: now),
            Fixture.deleted("cmp_b", at: now),
        ])

        let first = try await harness.call("notifications.deadLetters", ["limit": 1])
        let cursor = try #require(first["next_cursor"])
        let second = try await harness.call("notifications.deadLetters", ["limit": 1, "cursor": cursor])
        let listed = (first["messages"]?.arrayValue ?? []) + (second["messages"]?.arrayValue ?? [])

        #expect(listed.map { $0["company_id"] } == ["cmp_a", "cmp_a"])
        #expect(listed.allSatisfy { $0["status"] == "dead" })
        #expect(listed.allSatisfy { $0["channel"] == "webhook" })
        #expect(second["next_cursor"] == nil)
        let misplaced = await #expect(throws: RPCError.self) {
            try await harness.call("notifications.alerts", ["cursor": cursor])
        }
        #expect(misplaced?.details?["field"] == "cursor")
        #expect(misplaced?.message.contains("is not one notifications.alerts returned;") == true)
        let ids = listed.compactMap { $0["message_id"]?.stringValue }
        #expect(Set(ids).count == 2)

        let owner = Caller(kind: .user, companyID: "cmp_a", userID: "usr_owner", role: "owner")
        let denied = await #expect(throws: RPCError.self) {
            try await harness.call("notifications.deadLetters", [:], as: owner)
        }
        #expect(denied?.status == .permissionDenied)
    }

    @Test func basicTierNeverPostsWebhooks() async throws {
        let receiver = try LoopbackReceiver(failFirst: 0)
        defer { receiver.stop() }
        let harness = try NotificationHarness()
        let now = harness.clock.nowMs()
        try harness.deliver([
            Fixture.provisioned("cmp_a", tier: "basic", token: Fixture.token(), at: now),
            Fixture.configured("cmp_a", integrations: ["email", "webhook"], webhookURL: receiver.url(), at: now),
            Fixture.suspended("cmp_a", reason: "abuse report", reactivateAt: nil, at: now),
        ])

        #expect(try await webhookMessages(harness).isEmpty)
        #expect(try await sender(harness).sendDue().attempted == 0)
        #expect(receiver.requests.isEmpty)
    }

    @Test func companyDeletionAbandonsPendingWebhooks() async throws {
        let receiver = try LoopbackReceiver(failFirst: 0)
        defer { receiver.stop() }
        let harness = try premiumHarness(webhookURL: receiver.url())
        let now = harness.clock.nowMs()
        try harness.deliver([
            Fixture.tierChanged("cmp_a", from: "premium", to: "platinum", at: now),
            Fixture.deleted("cmp_a", at: now),
        ])

        let exported = try await harness.call("notifications.export", ["company_id": "cmp_a"], as: .service)
        let webhooks = exported["messages"]?.arrayValue?.filter { $0["channel"]?.stringValue == "webhook" } ?? []
        let message = try #require(webhooks.first)
        #expect(webhooks.count == 1)
        #expect(message["status"]?.stringValue == "dead")
        #expect(try await sender(harness).sendDue().attempted == 0)
        let refused = await #expect(throws: RPCError.self) {
            try await harness.call("notifications.retry", ["message_id": message["message_id"] ?? .null])
        }
        #expect(refused?.status == .notFound)
        #expect(receiver.requests.isEmpty)
    }
}
