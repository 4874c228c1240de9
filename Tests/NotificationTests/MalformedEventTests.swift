import MeshProtocol
import MeshRuntime
import MeshTesting
import Testing

@testable import Notification

/// Events whose members have the wrong type or an impossible value are rejected naming the member,
/// instead of being read as missing or mailed as they are.
@Suite struct MalformedEventTests {
    typealias Fixture = NotificationEventsFixture

    /// Returns the payload of a user-limit warning with these figures.
    static func warning(percent: Int64, current: Int64, allowed: Int64, tier: String) -> JSONValue {
        [
            "company_id": "cmp_a", "limit": "users", "threshold_percent": .int(percent), "current": .int(current),
            "allowed": .int(allowed), "tier": .string(tier),
        ]
    }

    @Test(arguments: [
        ("gateway.failures", ["failures": -3, "provisioning_failures": 0] as JSONValue, "payload.failures"),
        (
            "company.suspended", ["company_id": "cmp_a", "reason": "unpaid", "at_ms": "soon"] as JSONValue,
            "payload.at_ms"
        ),
        ("company.suspended", ["company_id": "cmp_a", "reason": "unpaid", "at_ms": -5] as JSONValue, "payload.at_ms"),
        (
            "usage.threshold_reached", Self.warning(percent: 50, current: 2, allowed: 5, tier: "basic"),
            "payload.threshold_percent"
        ),
        (
            "usage.threshold_reached", Self.warning(percent: 80, current: 20, allowed: 25, tier: "platinum"),
            "payload.tier"
        ),
        (
            "usage.threshold_reached", Self.warning(percent: 100, current: 3, allowed: 25, tier: "premium"),
            "payload.current"
        ),
        (
            "usage.threshold_reached", Self.warning(percent: 80, current: 800, allowed: 1000, tier: "premium"),
            "payload.allowed"
        ),
    ])
    func malformedEventRejected(topic: String, payload: JSONValue, field: String) throws {
        let harness = try NotificationHarness()
        let now = harness.clock.nowMs()
        try harness.deliver([Fixture.provisioned("cmp_a", tier: "platinum", token: Fixture.token(), at: now)])

        let error = #expect(throws: RPCError.self) {
            try harness.deliver([Fixture.event(topic, payload, at: now)])
        }

        #expect(error?.status == .invalidArgument)
        #expect(error?.details?["field"] == .string(field))
    }
}
