import MeshStore

extension BillingLedger {
    /// Changes the rate accruing on `subscription` at `atMs`, adds the prorated difference as pending
    /// items, and returns their sum in cents.
    ///
    /// Call it after closing every period that ended by `atMs`. Normally the change falls inside the
    /// current period and gives one item: `(newRate - oldRate) * remaining / length`. An event can also
    /// arrive after the periods since `atMs` were invoiced at the old rate. Then each of those periods
    /// gets an item for its share after `atMs`. The late change then costs what a timely one would have.
    ///
    /// A change at or before the current period's start, other than a cancellation, sets the period's
    /// opening rate and tier instead of adding an item for the whole period. The period's
    /// `subscription` line then names the plan in force when it began.
    func changeRate(
        _ subscription: inout SubscriptionRecord,
        to newRateCents: Int64,
        atMs: Int64,
        reason: RateChangeReason,
        historySeq: Int64
    ) throws -> Int64 {
        let difference = newRateCents - subscription.rateCents
        subscription.rateCents = newRateCents
        guard difference != 0 else {
            return 0
        }

        let opensCurrentPeriod = atMs <= subscription.periodStartMs && !reason.isCancellation
        if opensCurrentPeriod {
            subscription.periodRateCents = newRateCents
            subscription.periodTier = subscription.tier
        }

        let calendar = subscription.calendar
        let first = min(calendar.periodIndex(containing: atMs), subscription.periodIndex)
        let last = opensCurrentPeriod ? subscription.periodIndex - 1 : subscription.periodIndex
        var total: Int64 = 0
        for index in stride(from: first, through: last, by: 1) {
            let period = index == subscription.periodIndex ? subscription.currentPeriod : calendar.period(index)
            let proration = Proration(differenceCents: difference, period: period, changeAtMs: atMs)
            let amount = proration.amountCents
            guard amount != 0 else {
                continue
            }

            try addPendingItem(
                subscription,
                kind: reason.kind(amountCents: amount),
                description: reason.describe(proration, atMs: atMs),
                amountCents: amount,
                periodStartMs: period.startMs,
                historySeq: historySeq
            )
            total += amount
        }

        if total != 0 {
            try connection.execute(
                "UPDATE subscription_history SET prorated_cents = ? WHERE seq = ?",
                [.integer(total), .integer(historySeq)]
            )
        }
        return total
    }
}
