import MeshProtocol
import MeshStore
import TenantModel

extension BillingEvents {
    /// Moves to the new tier's price; while active, prorates the difference for the rest of the period.
    static func tierChanged(_ fields: EventFields, _ ledger: BillingLedger) throws {
        let target = try fields.tier("to_tier")

        try update(fields, ledger) { subscription, atMs in
            let previous = subscription.tier
            guard previous != target else {
                return
            }

            let historySeq = try ledger.recordHistory(
                subscription, kind: .tierChanged, fromTier: previous, toTier: target, atMs: atMs,
                eventID: fields.event.eventID
            )
            subscription.tier = target
            subscription.priceCents = target.priceCents
            if subscription.status == .active {
                _ = try ledger.changeRate(
                    &subscription, to: target.priceCents, atMs: atMs,
                    reason: .tierChange(from: previous, to: target), historySeq: historySeq
                )
            }
        }
    }

    /// Stops accrual: the rest of the period is credited and nothing accrues until reactivation.
    static func suspended(_ fields: EventFields, _ ledger: BillingLedger) throws {
        try update(fields, ledger) { subscription, atMs in
            guard subscription.status == .active else {
                return
            }

            let historySeq = try ledger.recordHistory(
                subscription, kind: .suspended, fromStatus: .active, toStatus: .suspended, atMs: atMs,
                eventID: fields.event.eventID
            )
            _ = try ledger.changeRate(&subscription, to: 0, atMs: atMs, reason: .suspension, historySeq: historySeq)
            subscription.status = .suspended
        }
    }

    /// Resumes accrual at the current tier's price for the rest of the period.
    static func reactivated(_ fields: EventFields, _ ledger: BillingLedger) throws {
        try update(fields, ledger) { subscription, atMs in
            guard subscription.status == .suspended else {
                return
            }

            let historySeq = try ledger.recordHistory(
                subscription, kind: .reactivated, fromStatus: .suspended, toStatus: .active, atMs: atMs,
                eventID: fields.event.eventID
            )
            _ = try ledger.changeRate(
                &subscription, to: subscription.priceCents, atMs: atMs, reason: .reactivation, historySeq: historySeq
            )
            subscription.status = .active
        }
    }

    /// Cancels the subscription now: credits the rest of the period and issues the final invoice at once.
    /// The rows stay, marked canceled, for export.
    ///
    /// A deletion at the very start of a period, with no item pending, issues no final invoice: the
    /// invoice of the period before is the last, since nothing of the new one was used.
    ///
    /// A deletion that arrives after the periods since its time were invoiced credits each of them its
    /// share after the deletion, like any late change, and the current period whole. Its final invoice
    /// then comes to less than zero: a refund, which stays on that invoice since no invoice follows.
    static func deleted(_ fields: EventFields, _ ledger: BillingLedger) throws {
        try update(fields, ledger) { subscription, atMs in
            let historySeq = try ledger.recordHistory(
                subscription, kind: .canceled, fromStatus: subscription.status, toStatus: .canceled, atMs: atMs,
                eventID: fields.event.eventID
            )
            let endMs = max(atMs, subscription.periodStartMs)
            let late = atMs < subscription.periodStartMs
            let pending = try LineView.pending(subscriptionID: subscription.id, ledger.connection)
            let nothingUsed = !late && endMs == subscription.periodStartMs && pending.isEmpty

            if nothingUsed {
                subscription.rateCents = 0
            } else {
                _ = try ledger.changeRate(
                    &subscription, to: 0, atMs: atMs, reason: .cancellation, historySeq: historySeq
                )
                _ = try ledger.issueInvoice(subscription, periodEndMs: endMs, final: true)
            }
            subscription.status = .canceled
            subscription.canceledAtMs = atMs
            subscription.periodEndMs = endMs
        }
    }

    /// Loads the event's subscription, invoices the periods that ended before the event's time, applies
    /// `change` at that time, and saves. A canceled subscription takes no further changes.
    private static func update(
        _ fields: EventFields,
        _ ledger: BillingLedger,
        _ change: (inout SubscriptionRecord, Int64) throws -> Void
    ) throws {
        let companyID = try fields.string("company_id")
        guard var subscription = try SubscriptionRecord.load(companyID: companyID, ledger.connection) else {
            throw RPCError(
                .failedPrecondition,
                "\(fields.event.topic) event \(fields.event.eventID) is for company '\(companyID)', which has no subscription; billing creates one from company.provisioned, which the publisher must send first",
                details: ["company_id": .string(companyID), "event_id": .string(fields.event.eventID)]
            )
        }
        guard subscription.status != .canceled else {
            return
        }

        // Changes apply in time order. One dated before the last applied change counts as dated at it,
        // so no span that a later change already priced is priced again at today's rate.
        let stated = try fields.time("at_ms", notAfter: ledger.nowMs)
        let atMs = max(stated, subscription.startedAtMs, try ledger.latestChangeMs(subscription) ?? 0)

        // Periods that ended before the change are billed as they were, at the old rate.
        _ = try ledger.closePeriods(&subscription, endedBy: atMs)

        try change(&subscription, atMs)
        subscription.updatedAtMs = ledger.nowMs
        try subscription.save(ledger.connection)
    }
}
