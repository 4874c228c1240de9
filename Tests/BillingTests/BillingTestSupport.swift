import MeshProtocol
import MeshRuntime
import MeshStore
import MeshTesting
import Testing

@testable import Billing

/// Times, events and callers shared by the billing tests.
enum Fixture {
    static let dayMs: Int64 = 86_400_000

    /// Milliseconds since the epoch of a UTC date and hour.
    static func utc(_ year: Int64, _ month: Int, _ day: Int, hour: Int64 = 0) -> Int64 {
        CivilDate(year: year, month: month, day: day, millisecondOfDay: hour * 3_600_000).milliseconds
    }

    /// Creates a harness whose clock starts at `startMs`.
    static func harness(at startMs: Int64) throws -> ServiceHarness<Billing> {
        try ServiceHarness<Billing>(startMs: startMs)
    }

    static func user(of companyID: String, role: String = "owner") -> Caller {
        Caller(kind: .user, companyID: companyID, userID: "usr_" + companyID, role: role)
    }

    static func event(_ topic: String, _ payload: JSONValue, atMs: Int64, eventID: String? = nil) -> MeshEvent {
        MeshEvent(
            eventID: eventID ?? Identifier.make(prefix: "evt"),
            topic: topic,
            payload: payload,
            createdAtMs: atMs,
            source: "tenancy"
        )
    }

    static func provisioned(
        _ companyID: String,
        tier: String = "basic",
        atMs: Int64,
        keyPrefix: String = "ACME",
        eventID: String? = nil
    ) -> MeshEvent {
        event(
            "company.provisioned",
            [
                "company_id": .string(companyID),
                "name": "Acme Corporation",
                "key_prefix": .string(keyPrefix),
                "tier": .string(tier),
                "status": "active",
                "created_at_ms": .int(atMs),
                "owner": ["user_id": "usr_owner", "email": "owner@acme.test", "name": "Ada Owner"],
                "invitation": [
                    "invitation_id": "inv_x", "token": "secret-token", "expires_at_ms": .int(atMs + 7 * dayMs),
                ],
            ],
            atMs: atMs,
            eventID: eventID
        )
    }

    static func tierChanged(_ companyID: String, from: String, to: String, atMs: Int64) -> MeshEvent {
        event(
            "company.tier_changed",
            [
                "company_id": .string(companyID), "from_tier": .string(from), "to_tier": .string(to),
                "at_ms": .int(atMs),
            ],
            atMs: atMs
        )
    }

    static func suspended(_ companyID: String, atMs: Int64) -> MeshEvent {
        event(
            "company.suspended",
            [
                "company_id": .string(companyID), "reason": "unpaid invoices", "reactivate_at_ms": .null,
                "at_ms": .int(atMs),
            ],
            atMs: atMs
        )
    }

    static func reactivated(_ companyID: String, atMs: Int64) -> MeshEvent {
        event(
            "company.reactivated",
            ["company_id": .string(companyID), "at_ms": .int(atMs), "automatic": false],
            atMs: atMs
        )
    }

    static func deleted(_ companyID: String, atMs: Int64) -> MeshEvent {
        event("company.deleted", ["company_id": .string(companyID), "at_ms": .int(atMs)], atMs: atMs)
    }
}

extension ServiceHarness where Service == Billing {
    func subscription(_ companyID: String, as caller: Caller? = .root) async throws -> JSONValue {
        try await call("billing.subscription", ["company_id": .string(companyID)], as: caller)
    }

    func invoices(_ companyID: String, status: String? = nil) async throws -> [JSONValue] {
        var params: [String: JSONValue] = ["company_id": .string(companyID), "limit": 200]
        if let status {
            params["status"] = .string(status)
        }
        return try await call("billing.invoices", .object(params))["invoices"]?.arrayValue ?? []
    }

    /// Returns the subscription as `billing.subscription` shows it, read from the store, for a deleted
    /// company whose methods return NOT_FOUND.
    func storedSubscription(_ companyID: String) throws -> JSONValue {
        try store.readSync { connection in
            let subscription = try #require(try SubscriptionRecord.load(companyID: companyID, connection))
            let pending = try LineView.pending(subscriptionID: subscription.id, connection)
            return try JSONValue(encoding: SubscriptionView(subscription, pendingItems: pending))
        }
    }

    /// Returns the invoices as `billing.invoices` lists them, read from the store.
    func storedInvoices(_ companyID: String) throws -> [JSONValue] {
        try store.readSync { connection in
            try InvoiceView.list(companyID: companyID, status: nil, connection).invoices.map {
                try JSONValue(encoding: $0)
            }
        }
    }

    /// Delivers the events one by one, each once the clock has reached its time, as tenancy's relay does:
    /// billing rejects an event dated later than its clock.
    /// Returns how many were applied.
    @discardableResult
    func deliverInTurn(_ events: [MeshEvent]) throws -> Int {
        var applied = 0
        for event in events {
            let atMs = event.payload["at_ms"]?.intValue ?? event.createdAtMs
            if atMs > clock.nowMs() {
                try setClock(atMs)
            }
            applied += try deliver([event])
        }
        return applied
    }

    func runCycle() async throws -> JSONValue {
        try await call("billing.runCycle")
    }

    /// Returns the subscription's `pending_items` array.
    func pendingItems(_ companyID: String) async throws -> JSONValue {
        try await subscription(companyID)["pending_items"] ?? []
    }
}

extension JSONValue {
    /// The `amount_cents` of every line, in order.
    var lineAmounts: [Int64] {
        (self["lines"]?.arrayValue ?? self.arrayValue ?? []).compactMap { $0["amount_cents"]?.intValue }
    }

    /// The `kind` of every line, in order.
    var lineKinds: [String] {
        (self["lines"]?.arrayValue ?? self.arrayValue ?? []).compactMap { $0["kind"]?.stringValue }
    }

    /// The `description` of every line, in order.
    var lineDescriptions: [String] {
        (self["lines"]?.arrayValue ?? self.arrayValue ?? []).compactMap { $0["description"]?.stringValue }
    }
}
