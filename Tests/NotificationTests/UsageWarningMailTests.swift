import MeshProtocol
import MeshRuntime
import MeshTesting
import Testing

@testable import Notification

@Suite struct UsageWarningMailTests {
    typealias Fixture = NotificationEventsFixture

    func warning(_ limit: String, percent: Int64, current: Int64, allowed: Int64, day: String? = nil, at: Int64)
        -> MeshEvent
    {
        Fixture.event(
            "usage.threshold_reached",
            [
                "company_id": "cmp_a", "limit": .string(limit), "threshold_percent": .int(percent),
                "current": .int(current), "allowed": .int(allowed), "tier": "basic",
                "day": day.map { .string($0) } ?? .null, "at_ms": .int(at),
            ],
            at: at
        )
    }

    func email(_ harness: NotificationHarness, for event: MeshEvent) throws -> ParsedEmail {
        let messageID = MessageID.derive(eventID: event.eventID, recipient: "olivia@acme.example", channel: .email)
        return try ParsedEmail(try OutboxReader(home: harness.home).text(messageID + ".eml"))
    }

    @Test func ownerHearsOfEightyAndHundredPercent() async throws {
        let harness = try NotificationHarness()
        let now = harness.clock.nowMs()
        try harness.deliver([Fixture.provisioned("cmp_a", token: Fixture.token(), at: now)])

        let eighty = warning("users", percent: 80, current: 4, allowed: 5, at: now)
        let full = warning("issues", percent: 100, current: 1_000, allowed: 1_000, at: now)
        try harness.deliver([eighty, full])

        let first = try email(harness, for: eighty)
        #expect(first.header("Subject") == "Acme Tools is at 80% of its user limit")
        #expect(first.body.contains("Acme Tools has used 80% of the Basic plan's user seats: 4 of 5"))
        #expect(first.body.contains("pending invitations hold a seat too"))

        let second = try email(harness, for: full)
        #expect(second.header("Subject") == "Acme Tools reached its issue limit")
        #expect(second.body.contains("has used all of the Basic plan's issues: 1000 of 1000"))
        #expect(second.body.contains("Creating an issue fails until issues are deleted or the plan is upgraded."))

        let listed = try await harness.call("notifications.list", ["company_id": "cmp_a"])
        let kinds = listed["messages"]?.arrayValue?.compactMap { $0["kind"]?.stringValue } ?? []
        #expect(kinds == ["usage_warning", "usage_warning", "welcome"])
    }

    @Test func dailyCallWarningNamesMidnight() throws {
        let harness = try NotificationHarness()
        let now = harness.clock.nowMs()
        try harness.deliver([Fixture.provisioned("cmp_a", token: Fixture.token(), at: now)])

        let event = warning("api_calls_per_day", percent: 80, current: 800, allowed: 1_000, day: "2026-01-01", at: now)
        try harness.deliver([event])

        let mail = try email(harness, for: event)
        #expect(mail.header("Subject") == "Acme Tools is at 80% of its daily API call limit")
        #expect(mail.body.contains("80% of the Basic plan's API calls for today (UTC): 800 of 1000"))
        #expect(mail.body.contains("until the next UTC midnight"))
    }

    @Test func warningOfAnOldTierIsSkipped() async throws {
        let harness = try NotificationHarness()
        let now = harness.clock.nowMs()
        try harness.deliver([Fixture.provisioned("cmp_a", token: Fixture.token(), at: now)])

        // The upgrade arrives first, then the gateway's warning of the 800th Basic call of the day.
        let stale = warning("api_calls_per_day", percent: 80, current: 800, allowed: 1_000, day: "2026-01-01", at: now)
        try harness.deliver([Fixture.tierChanged("cmp_a", from: "basic", to: "premium", at: now + 1), stale])

        let listed = try await harness.call("notifications.list", ["company_id": "cmp_a"])
        let kinds = listed["messages"]?.arrayValue?.compactMap { $0["kind"]?.stringValue } ?? []
        #expect(kinds == ["tier_changed", "welcome"])
        #expect(
            harness.logs.captured.contains { $0.contains("usage_warning.skipped") && $0.contains("warning_tier=basic") }
        )
    }

    @Test func customFieldWarningNamesTheWayOut() throws {
        let harness = try NotificationHarness()
        let now = harness.clock.nowMs()
        try harness.deliver([Fixture.provisioned("cmp_a", token: Fixture.token(), at: now)])

        let event = warning("custom_fields", percent: 100, current: 5, allowed: 5, at: now)
        try harness.deliver([event])

        let mail = try email(harness, for: event)
        #expect(mail.header("Subject") == "Acme Tools reached its custom field limit")
        #expect(mail.body.contains("has used all of the Basic plan's custom fields: 5 of 5"))
        #expect(mail.body.contains("upgrade the plan with companies.changeTier"))
    }

    @Test func unknownLimitIsRejected() throws {
        let harness = try NotificationHarness()
        let now = harness.clock.nowMs()
        try harness.deliver([Fixture.provisioned("cmp_a", token: Fixture.token(), at: now)])

        #expect(throws: RPCError.self) {
            try harness.deliver([warning("storage", percent: 80, current: 8, allowed: 10, at: now)])
        }
        #expect(try OutboxReader(home: harness.home).emlNames().count == 1)
    }

    @Test func redeliveredWarningSendsNothingTwice() throws {
        let harness = try NotificationHarness()
        let now = harness.clock.nowMs()
        try harness.deliver([Fixture.provisioned("cmp_a", token: Fixture.token(), at: now)])
        let event = warning("users", percent: 80, current: 4, allowed: 5, at: now)

        try harness.deliver([event])
        try harness.deliver([event])

        #expect(try OutboxReader(home: harness.home).emlNames().count == 2)
    }
}
