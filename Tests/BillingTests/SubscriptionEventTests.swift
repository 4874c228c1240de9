import MeshProtocol
import MeshRuntime
import Testing

@testable import Billing

@Suite("Subscriptions from company events")
struct SubscriptionEventTests {
    @Test("provisioning creates active subscription")
    func provisioned() async throws {
        let start = Fixture.utc(2026, 1, 31, hour: 10)
        let harness = try Fixture.harness(at: start)

        try harness.deliver([Fixture.provisioned("cmp_a", tier: "premium", atMs: start)])
        let subscription = try await harness.subscription("cmp_a")

        #expect(subscription["company_id"] == "cmp_a")
        #expect(subscription["tier"] == "premium")
        #expect(subscription["status"] == "active")
        #expect(subscription["price_cents"] == 5_000)
        #expect(subscription["currency"] == "USD")
        #expect(subscription["started_at_ms"]?.intValue == start)
        #expect(subscription["anchor_day"] == 31)
        #expect(subscription["current_period_start_ms"]?.intValue == start)
        #expect(subscription["current_period_end_ms"]?.intValue == Fixture.utc(2026, 2, 28, hour: 10))
        #expect(subscription["pending_items"] == [])
        #expect(subscription["mrr_cents"] == 5_000)
        #expect(subscription["canceled_at_ms"] == .null)
    }

    @Test("subscription is created once")
    func createdOnce() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        let first = Fixture.provisioned("cmp_a", tier: "basic", atMs: start)

        #expect(try harness.deliverInTurn([first]) == 1)
        #expect(try harness.deliverInTurn([first]) == 0)
        try harness.deliverInTurn([Fixture.provisioned("cmp_a", tier: "platinum", atMs: start + 3 * Fixture.dayMs)])

        let subscription = try await harness.subscription("cmp_a")
        #expect(subscription["tier"] == "basic")
        #expect(subscription["started_at_ms"]?.intValue == start)
        let export = try await harness.call("billing.export", ["company_id": "cmp_a"], as: .service)
        #expect(export["history"]?.arrayValue?.count == 1)
        let overview = try await harness.call("billing.overview")
        #expect(overview["active_subscriptions"] == 1)
    }

    @Test("event time without created_at_ms")
    func eventTimeFallback() async throws {
        let start = Fixture.utc(2026, 4, 1, hour: 8)
        let harness = try Fixture.harness(at: start)

        let event = Fixture.event("company.provisioned", ["company_id": "cmp_a", "tier": "basic"], atMs: start)
        try harness.deliver([event])

        let subscription = try await harness.subscription("cmp_a")
        #expect(subscription["started_at_ms"]?.intValue == start)
        #expect(subscription["anchor_day"] == 1)
    }

    @Test("upgrade halfway charges 2000 cents")
    func upgradeHalfway() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliver([Fixture.provisioned("cmp_a", tier: "basic", atMs: start)])

        try harness.advance(days: 15)
        let change = Fixture.tierChanged("cmp_a", from: "basic", to: "premium", atMs: Fixture.utc(2026, 4, 16))
        try harness.deliver([change])

        let subscription = try await harness.subscription("cmp_a")
        #expect(subscription["tier"] == "premium")
        #expect(subscription["price_cents"] == 5_000)
        #expect(subscription["pending_items"]?.lineKinds == ["proration_charge"])
        #expect(subscription["pending_items"]?.lineAmounts == [2_000])
        #expect(subscription["pending_total_cents"] == 2_000)
        let description = subscription["pending_items"]?.arrayValue?.first?["description"]?.stringValue ?? ""
        #expect(description.contains("Upgrade from Basic to Premium on 2026-04-16"))
        #expect(description.contains("50.00%"))
    }

    @Test("downgrade halfway credits 2000 cents")
    func downgradeHalfway() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliverInTurn([Fixture.provisioned("cmp_a", tier: "premium", atMs: start)])

        let change = Fixture.tierChanged("cmp_a", from: "premium", to: "basic", atMs: Fixture.utc(2026, 4, 16))

        try harness.deliverInTurn([change])

        let subscription = try await harness.subscription("cmp_a")
        #expect(subscription["price_cents"] == 1_000)
        #expect(subscription["pending_items"]?.lineKinds == ["proration_credit"])
        #expect(subscription["pending_items"]?.lineAmounts == [-2_000])
    }

    @Test("prorations round to whole cents")
    func roundingThroughTheService() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliverInTurn([
            Fixture.provisioned("cmp_a", tier: "basic", atMs: start),
            Fixture.provisioned("cmp_b", tier: "platinum", atMs: start, keyPrefix: "BETA"),
        ])

        // 10 of 30 days gone: 19000 * 20/30 = 12666.67 and -15000 * 20/30 = -10000 exactly.
        let changeAt = Fixture.utc(2026, 4, 11)
        try harness.deliverInTurn([
            Fixture.tierChanged("cmp_a", from: "basic", to: "platinum", atMs: changeAt),
            Fixture.tierChanged("cmp_b", from: "platinum", to: "premium", atMs: changeAt),
        ])
        // One third of the remaining 20 days later, back down: -19000 * (40/3 days) / 30 days = -8444.44.
        try harness.deliverInTurn([
            Fixture.tierChanged("cmp_a", from: "platinum", to: "basic", atMs: changeAt + 20 * Fixture.dayMs / 3)
        ])

        #expect(try await harness.pendingItems("cmp_a").lineAmounts == [12_667, -8_444])
        #expect(try await harness.pendingItems("cmp_b").lineAmounts == [-10_000])
    }

    @Test("repeated tier change is ignored")
    func repeatedTierChange() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliverInTurn([Fixture.provisioned("cmp_a", atMs: start)])

        let at = Fixture.utc(2026, 4, 16)
        try harness.deliverInTurn([Fixture.tierChanged("cmp_a", from: "basic", to: "premium", atMs: at)])
        try harness.deliverInTurn([Fixture.tierChanged("cmp_a", from: "basic", to: "premium", atMs: at)])

        #expect(try await harness.pendingItems("cmp_a").lineAmounts == [2_000])
        let export = try await harness.call("billing.export", ["company_id": "cmp_a"], as: .service)
        let kinds = export["history"]?.arrayValue?.compactMap { $0["kind"]?.stringValue }
        #expect(kinds == ["created", "tier_changed"])
    }

    @Test("an event dated before an applied change counts as dated at it")
    func eventBeforeAppliedChange() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliverInTurn([Fixture.provisioned("cmp_a", tier: "premium", atMs: start)])

        // 20 of April's 30 days remain after April 11: -4000 * 20/30, then +19000 * 20/30.
        try harness.setClock(Fixture.utc(2026, 4, 11))
        let downgrade = Fixture.tierChanged("cmp_a", from: "premium", to: "basic", atMs: Fixture.utc(2026, 4, 11))
        try harness.deliverInTurn([downgrade])
        let stale = Fixture.tierChanged("cmp_a", from: "premium", to: "platinum", atMs: Fixture.utc(2026, 4, 6))
        try harness.deliverInTurn([stale])

        let items = try await harness.pendingItems("cmp_a")
        #expect(items.lineAmounts == [-2_667, 12_667])
        #expect(items.lineDescriptions.last?.hasPrefix("Upgrade from Basic to Platinum on 2026-04-11") == true)

        let early = Fixture.suspended("cmp_a", atMs: 0)
        try harness.deliverInTurn([early])
        #expect(try await harness.pendingItems("cmp_a").lineAmounts == [-2_667, 12_667, -13_333])
    }

    @Test("invalid events are rejected")
    func rejectedEvents() throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)

        let unknown = #expect(throws: RPCError.self) {
            try harness.deliver([Fixture.tierChanged("cmp_missing", from: "basic", to: "premium", atMs: start)])
        }
        #expect(unknown?.status == .failedPrecondition)
        #expect(unknown?.message.contains("cmp_missing") == true)

        let badTier = #expect(throws: RPCError.self) {
            try harness.deliver([Fixture.provisioned("cmp_a", tier: "gold", atMs: start)])
        }
        #expect(badTier?.status == .invalidArgument)
        #expect(badTier?.message.contains("gold") == true)
    }

    @Test("events dated after the clock")
    func futureEvents() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliver([Fixture.provisioned("cmp_a", atMs: start)])

        // Years ahead: nothing is applied, and no period that has not begun is invoiced.
        let future = #expect(throws: RPCError.self) {
            try harness.deliver([
                Fixture.tierChanged("cmp_a", from: "basic", to: "platinum", atMs: Fixture.utc(2030, 3, 17))
            ])
        }
        #expect(future?.status == .invalidArgument)
        #expect(future?.details?["field"] == "payload.at_ms")
        #expect(future?.message.contains("2030-03-17T00:00:00.000Z") == true)
        #expect(try harness.storedInvoices("cmp_a") == [])
        #expect(try await harness.subscription("cmp_a")["tier"] == "basic")

        // A minute ahead is a skew between two readings of the clock, so the change applies now: at the
        // start of April, and April opens at Premium's price with nothing to prorate.
        try harness.deliver([Fixture.tierChanged("cmp_a", from: "basic", to: "premium", atMs: start + 60_000)])
        #expect(try await harness.pendingItems("cmp_a") == [])
        #expect(try await harness.subscription("cmp_a")["tier"] == "premium")

        let textTime = Fixture.event("company.suspended", ["company_id": "cmp_a", "at_ms": "soon"], atMs: start)
        let notInteger = #expect(throws: RPCError.self) { try harness.deliver([textTime]) }
        #expect(notInteger?.details?["field"] == "payload.at_ms")
        #expect(notInteger?.message.contains("not an integer") == true)
        let nullTime = Fixture.event("company.suspended", ["company_id": "cmp_a", "at_ms": .null], atMs: start)
        let null = #expect(throws: RPCError.self) { try harness.deliver([nullTime]) }
        #expect(null?.details?["field"] == "payload.at_ms")
        let pastTime = Fixture.event("company.suspended", ["company_id": "cmp_a", "at_ms": -1], atMs: start)
        let past = #expect(throws: RPCError.self) { try harness.deliver([pastTime]) }
        #expect(past?.details?["field"] == "payload.at_ms")
        #expect(try await harness.subscription("cmp_a")["status"] == "active")
    }
}
