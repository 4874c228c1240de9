import MeshProtocol
import MeshRuntime
import TenantModel

/// Applies tenancy's company events to subscriptions.
///
/// The inbox already drops a redelivered event id. Each handler is also idempotent in effect: a second
/// `company.provisioned` for a company keeps the first subscription, and a change that is already in
/// place (the same tier, a suspension of a suspended company) changes nothing.
enum BillingEvents {
    static func handlers(clock: MeshClock) -> [String: EventHandler] {
        func handler(_ apply: @escaping @Sendable (EventFields, BillingLedger) throws -> Void) -> EventHandler {
            { event, connection in
                try apply(EventFields(event), BillingLedger(connection: connection, nowMs: clock.nowMs()))
            }
        }
        return [
            EventTopic.companyProvisioned: handler(provisioned),
            EventTopic.companyTierChanged: handler(tierChanged),
            EventTopic.companySuspended: handler(suspended),
            EventTopic.companyReactivated: handler(reactivated),
            EventTopic.companyDeleted: handler(deleted),
        ]
    }

    /// Starts the subscription at the company's creation time, unless the company already has one.
    static func provisioned(_ fields: EventFields, _ ledger: BillingLedger) throws {
        let companyID = try fields.string("company_id")
        let tier = try fields.tier("tier")
        let startedAtMs = try fields.time("created_at_ms", notAfter: ledger.nowMs)

        let subscription = SubscriptionRecord(
            companyID: companyID,
            keyPrefix: fields.optionalString("key_prefix"),
            tier: tier,
            startedAtMs: startedAtMs,
            recordedAtMs: ledger.nowMs
        )
        guard try subscription.insertIfAbsent(ledger.connection) else {
            return
        }
        _ = try ledger.recordHistory(
            subscription, kind: .created, toTier: tier, toStatus: .active, atMs: startedAtMs,
            eventID: fields.event.eventID
        )
    }
}
