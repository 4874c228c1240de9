import Foundation
import MeshProtocol
import MeshRuntime
import MeshTesting
import Testing

@testable import Notification

@Suite struct OperatorAlertTests {
    typealias Fixture = NotificationEventsFixture
    static let minute: Int64 = 60_000

    func failures(_ count: Int64, provisioning: Int64 = 0, at: Int64) -> MeshEvent {
        MeshEvent(
            eventID: "evt_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""),
            topic: "gateway.failures",
            payload: [
                "failures": .int(count), "provisioning_failures": .int(provisioning),
                "by_status": ["UNAVAILABLE": .int(count)], "from_ms": .int(at - 1_000), "at_ms": .int(at),
            ],
            createdAtMs: at,
            source: "gateway"
        )
    }

    func alerts(_ harness: NotificationHarness) async throws -> [JSONValue] {
        try await harness.call("notifications.alerts")["alerts"]?.arrayValue ?? []
    }

    /// Reads the alert email that `rule` sent for `event`.
    func operatorEmail(_ harness: NotificationHarness, for event: MeshEvent, rule: AlertRule) throws -> ParsedEmail {
        let messageID = MessageID.derive(
            eventID: "\(event.eventID):\(rule.rawValue)", recipient: OperatorMailbox.defaultAddress, channel: .email)
        return try ParsedEmail(try OutboxReader(home: harness.home).text(messageID + ".eml"))
    }

    @Test func moreThanTenFailuresInFiveMinutesAlertOnce() async throws {
        let harness = try NotificationHarness()
        let start = harness.clock.nowMs()

        let quiet = failures(6, at: start)
        let tipping = failures(5, at: start + 2 * Self.minute)
        let more = failures(4, at: start + 3 * Self.minute)
        try harness.deliver([quiet, tipping, more])

        let fired = try await alerts(harness)
        #expect(fired.count == 1)
        #expect(fired.first?["rule"] == "gateway_failures")
        #expect(fired.first?["event_id"]?.stringValue == tipping.eventID)
        #expect(fired.first?["figures"]?["failures"] == 11)

        let email = try operatorEmail(harness, for: tipping, rule: .gatewayFailures)
        #expect(email.header("To") == "Operator <operator@localhost>")
        #expect(email.header("Subject")?.contains("more than 10 calls failed") == true)
        #expect(email.body.contains("11 calls failed at the gateway"))
    }

    @Test func failuresOutsideTheWindowDoNotAddUp() async throws {
        let harness = try NotificationHarness()
        let start = harness.clock.nowMs()

        try harness.deliver([failures(6, at: start), failures(6, at: start + 6 * Self.minute)])

        #expect(try await alerts(harness).isEmpty)
    }

    @Test func ruleFiresAgainAfterAQuietEvaluation() async throws {
        let harness = try NotificationHarness()
        let start = harness.clock.nowMs()

        try harness.deliver([
            failures(11, at: start),
            failures(1, at: start + 10 * Self.minute),
            failures(12, at: start + 11 * Self.minute),
        ])

        #expect(try await alerts(harness).count == 2)
    }

    @Test func newBurstAfterTheWindowEmptiedAlerts() async throws {
        let harness = try NotificationHarness()
        let start = harness.clock.nowMs()

        // The condition still held at 4 minutes (12 failures), then ended as the first 11 left the window.
        // The burst at 8 minutes is a new episode on its own.
        let burst = failures(11, at: start + 8 * Self.minute)
        try harness.deliver([failures(11, at: start), failures(1, at: start + 4 * Self.minute), burst])

        let fired = try await alerts(harness)
        #expect(fired.count == 2)
        let second = fired.first { $0["event_id"]?.stringValue == burst.eventID }
        #expect(second?["figures"]?["failures"] == 12)
    }

    @Test func provisioningFailureAfterAQuietHourAlerts() async throws {
        let harness = try NotificationHarness()
        let start = harness.clock.nowMs()

        // Other failures in between do not keep the provisioning rule's first episode going.
        try harness.deliver([
            failures(0, provisioning: 1, at: start),
            failures(1, at: start + 30 * Self.minute),
            failures(0, provisioning: 1, at: start + 80 * Self.minute),
        ])

        #expect(try await alerts(harness).map { $0["rule"] } == ["provisioning_failures", "provisioning_failures"])
    }

    @Test func oneEventFiringBothRulesSendsBoth() async throws {
        let harness = try NotificationHarness()
        let outage = failures(11, provisioning: 1, at: harness.clock.nowMs())

        try harness.deliver([outage])

        let fired = try await alerts(harness)
        #expect(Set(fired.compactMap { $0["rule"]?.stringValue }) == ["gateway_failures", "provisioning_failures"])
        #expect(Set(fired.compactMap { $0["message_id"]?.stringValue }).count == 2)
        #expect(try operatorEmail(harness, for: outage, rule: .gatewayFailures).body.contains("11 calls failed"))
        #expect(
            try operatorEmail(harness, for: outage, rule: .provisioningFailures).body.contains(
                "1 companies.provision call failed"))
    }

    @Test func provisioningFailureAlertsOncePerHour() async throws {
        let harness = try NotificationHarness()
        let start = harness.clock.nowMs()

        try harness.deliver([
            failures(0, provisioning: 1, at: start),
            failures(0, provisioning: 1, at: start + 10 * Self.minute),
            failures(0, provisioning: 1, at: start + 2 * 60 * Self.minute),
        ])

        let fired = try await alerts(harness)
        #expect(fired.map { $0["rule"] } == ["provisioning_failures", "provisioning_failures"])
        #expect(fired.first?["figures"]?["provisioning_failures"] == 1)
    }

    @Test func sixthSuspendedCompanyAlerts() async throws {
        let harness = try NotificationHarness()
        let now = harness.clock.nowMs()
        let companies = (1...7).map { "cmp_\($0)" }
        try harness.deliver(
            companies.map {
                Fixture.provisioned($0, ownerEmail: "owner@\($0).example", token: Fixture.token(), at: now)
            })

        let suspensions = companies.prefix(6).map {
            Fixture.suspended($0, reason: "unpaid", reactivateAt: nil, at: now)
        }
        try harness.deliver(Array(suspensions.prefix(5)))
        #expect(try await alerts(harness).isEmpty)

        try harness.deliver([suspensions[5]])
        var fired = try await alerts(harness)
        #expect(fired.map { $0["rule"] } == ["suspended_companies"])
        #expect(fired.first?["figures"]?["suspended_companies"] == 6)
        #expect(
            try operatorEmail(harness, for: suspensions[5], rule: .suspendedCompanies).body.contains(
                "6 companies are suspended."))

        // Back to 5 the rule stops holding; the next suspension fires it again, and the one after does not.
        let again = Fixture.suspended("cmp_7", reason: "unpaid", reactivateAt: nil, at: now)
        try harness.deliver([
            Fixture.reactivated("cmp_1", automatic: false, at: now),
            again,
            Fixture.suspended("cmp_1", reason: "again", reactivateAt: nil, at: now),
        ])
        fired = try await alerts(harness)
        #expect(fired.count == 2)
        #expect(fired.first?["event_id"]?.stringValue == again.eventID)
    }

    /// Delivers a company whose webhook post is abandoned by a move of its webhook, so it is dead.
    func deadWebhookPost(_ companyID: String, _ harness: NotificationHarness) throws {
        let now = harness.clock.nowMs()
        try harness.deliver([
            Fixture.provisioned(
                companyID, tier: "premium", ownerEmail: "owner@\(companyID).example", token: Fixture.token(), at: now),
            Fixture.configured(
                companyID, integrations: ["email", "slack_webhook"], webhookURL: "http://127.0.0.1:9/a", at: now),
            Fixture.tierChanged(companyID, from: "premium", to: "platinum", at: now),
            Fixture.configured(
                companyID, integrations: ["email", "slack_webhook"], webhookURL: "http://127.0.0.1:9/b", at: now),
        ])
    }

    @Test func eachDeadMessageIsNamedOnce() async throws {
        let harness = try NotificationHarness()
        let watch = try harness.deadLetterWatch()

        try await watch.check()
        #expect(try await alerts(harness).isEmpty)

        try deadWebhookPost("cmp_a", harness)
        try await watch.check()
        try await watch.check()
        var fired = try await alerts(harness)
        #expect(fired.map { $0["rule"] } == ["dead_messages"])
        #expect(fired.first?["figures"]?["dead_messages"] == 1)
        #expect(fired.first?["summary"]?.stringValue?.hasPrefix("1 message became dead: msg_") == true)

        // A message that cannot be retried stays dead, and one that dies later is still named, in the
        // next alert once 15 minutes have passed.
        try deadWebhookPost("cmp_b", harness)
        try await watch.check()
        #expect(try await alerts(harness).count == 1)
        try harness.setClock(harness.clock.nowMs() + DeadLetterWatch.quietMs)
        try await watch.check()
        fired = try await alerts(harness)
        #expect(fired.count == 2)
        #expect(fired.first?["figures"]?["dead_messages"] == 1)

        // After the clock is set back past the last alert, a new dead message is named at once.
        try harness.setClock(harness.clock.nowMs() - 12 * 3_600_000)
        try deadWebhookPost("cmp_c", harness)
        try await watch.check()
        #expect(try await alerts(harness).count == 3)
    }

    @Test func alertsAreForTheRootOnly() async throws {
        let harness = try NotificationHarness()
        let user = Caller(kind: .user, companyID: "cmp_a", userID: "usr_a", role: "owner", keyID: "key_a")
        let tipping = failures(11, at: harness.clock.nowMs())
        try harness.deliver([tipping])
        let messageID = try #require(try await alerts(harness).first?["message_id"])
        let params: JSONValue = ["company_id": "", "message_id": messageID]

        let email = try await harness.call("notifications.get", params)

        #expect(email["recipient"] == "operator@localhost")
        #expect(email["company_id"] == "")
        await #expect(throws: RPCError.self) {
            _ = try await harness.call("notifications.alerts", as: user)
        }
        let denied = await #expect(throws: RPCError.self) {
            _ = try await harness.call("notifications.get", params, as: user)
        }
        #expect(denied?.status == .permissionDenied)
    }
}
