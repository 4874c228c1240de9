import MeshProtocol
import MeshRuntime
import Testing

@testable import Billing

@Suite("Suspension, reactivation and deletion")
struct LifecycleBillingTests {
    @Test("suspension pauses billing")
    func suspensionPausesBilling() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliverInTurn([Fixture.provisioned("cmp_a", atMs: start)])

        try harness.deliverInTurn([Fixture.suspended("cmp_a", atMs: Fixture.utc(2026, 4, 16))])
        let suspended = try await harness.subscription("cmp_a")
        #expect(suspended["status"] == "suspended")
        #expect(suspended["mrr_cents"] == 0)
        #expect(suspended["pending_items"]?.lineKinds == ["suspension_credit"])
        #expect(suspended["pending_items"]?.lineAmounts == [-500])

        try harness.setClock(Fixture.utc(2026, 5, 1))
        let april = try #require(try await harness.runCycle()["generated"]?.arrayValue?.first)
        #expect(april.lineAmounts == [1_000, -500])
        #expect(april["total_cents"] == 500)

        // May has 31 days: reactivating at noon on May 16 leaves exactly half of it.
        try harness.deliverInTurn([Fixture.reactivated("cmp_a", atMs: Fixture.utc(2026, 5, 16, hour: 12))])
        #expect(try await harness.subscription("cmp_a")["status"] == "active")
        try harness.setClock(Fixture.utc(2026, 6, 1))
        let may = try #require(try await harness.runCycle()["generated"]?.arrayValue?.first)
        #expect(may.lineKinds == ["subscription", "reactivation_charge"])
        #expect(may.lineAmounts == [0, 500])
        #expect(may["total_cents"] == 500)
    }

    @Test("suspended period gives zero invoice")
    func wholePeriodSuspended() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliver([Fixture.provisioned("cmp_a", atMs: start), Fixture.suspended("cmp_a", atMs: start)])

        try harness.setClock(Fixture.utc(2026, 5, 1))
        let invoice = try #require(try await harness.runCycle()["generated"]?.arrayValue?.first)

        #expect(invoice.lineAmounts == [0])
        #expect(invoice.lineDescriptions == ["Basic plan, 2026-04-01 to 2026-05-01 (suspended when the period began)"])
        #expect(invoice["total_cents"] == 0)
        #expect(invoice["status"] == "paid")
        #expect(invoice["paid_at_ms"]?.intValue == Fixture.utc(2026, 5, 1))
        let payment = await #expect(throws: RPCError.self) {
            try await harness.call("billing.payInvoice", ["invoice_id": invoice["invoice_id"] ?? .null])
        }
        #expect(payment?.message.contains("its total is 0, so it was issued paid and needs no payment") == true)
    }

    @Test("repeated status events are ignored")
    func repeatedStatusEvents() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliverInTurn([Fixture.provisioned("cmp_a", atMs: start)])

        try harness.deliverInTurn([Fixture.reactivated("cmp_a", atMs: Fixture.utc(2026, 4, 5))])
        try harness.deliverInTurn([Fixture.suspended("cmp_a", atMs: Fixture.utc(2026, 4, 16))])
        try harness.deliverInTurn([Fixture.suspended("cmp_a", atMs: Fixture.utc(2026, 4, 20))])

        #expect(try await harness.pendingItems("cmp_a").lineAmounts == [-500])
    }

    @Test("tier change while suspended")
    func tierChangeWhileSuspended() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliverInTurn([Fixture.provisioned("cmp_a", atMs: start)])

        try harness.deliverInTurn([
            Fixture.suspended("cmp_a", atMs: Fixture.utc(2026, 4, 11)),
            Fixture.tierChanged("cmp_a", from: "basic", to: "premium", atMs: Fixture.utc(2026, 4, 16)),
            Fixture.reactivated("cmp_a", atMs: Fixture.utc(2026, 4, 21)),
        ])

        // -1000 * 20/30 = -666.67, then +5000 * 10/30 = 1666.67.
        let subscription = try await harness.subscription("cmp_a")
        #expect(subscription["price_cents"] == 5_000)
        #expect(subscription["pending_items"]?.lineAmounts == [-667, 1_667])
    }

    @Test("deletion issues final invoice")
    func deletion() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliver([Fixture.provisioned("cmp_a", tier: "premium", atMs: start)])

        let deletedAt = Fixture.utc(2026, 4, 16)
        try harness.setClock(deletedAt)
        try harness.deliver([Fixture.deleted("cmp_a", atMs: deletedAt)])

        // Every method now reports the company not found. Its rows stay for the export.
        let notFound = await #expect(throws: RPCError.self) { try await harness.subscription("cmp_a") }
        #expect(notFound?.status == .notFound)
        #expect(await (try? harness.invoices("cmp_a")) == nil)

        let subscription = try harness.storedSubscription("cmp_a")
        #expect(subscription["status"] == "canceled")
        #expect(subscription["canceled_at_ms"]?.intValue == deletedAt)
        #expect(subscription["mrr_cents"] == 0)
        #expect(subscription["pending_items"] == [])
        let invoices = try harness.storedInvoices("cmp_a")
        #expect(invoices.count == 1)
        #expect(invoices.first?["period_end_ms"]?.intValue == deletedAt)
        #expect(invoices.first?.lineKinds == ["subscription", "cancellation_credit"])
        #expect(invoices.first?.lineAmounts == [5_000, -2_500])
        #expect(invoices.first?["status"] == "open")

        try harness.setClock(Fixture.utc(2026, 9, 1))
        try harness.deliver([
            Fixture.tierChanged("cmp_a", from: "premium", to: "basic", atMs: Fixture.utc(2026, 9, 1)),
            Fixture.deleted("cmp_a", atMs: Fixture.utc(2026, 9, 1)),
        ])
        #expect(try await harness.runCycle()["generated"] == [])
        #expect(try harness.storedInvoices("cmp_a").count == 1)
        #expect(try harness.storedSubscription("cmp_a")["tier"] == "premium")
    }

    @Test("late deletion refunds the invoiced days")
    func lateDeletion() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliver([Fixture.provisioned("cmp_a", atMs: start)])

        // April is invoiced in full before the deletion of April 20 arrives (billing was down).
        try harness.setClock(Fixture.utc(2026, 5, 2))
        _ = try await harness.runCycle()
        try harness.deliver([Fixture.deleted("cmp_a", atMs: Fixture.utc(2026, 4, 20))])

        // April's last 11 of 30 days come back (-366.67), and May is charged and credited whole.
        let invoices = try harness.storedInvoices("cmp_a")
        #expect(invoices.map { $0["total_cents"] } == [1_000, -367])
        let final = try #require(invoices.last)
        #expect(final.lineKinds == ["subscription", "cancellation_credit", "cancellation_credit"])
        #expect(final.lineAmounts == [1_000, -367, -1_000])
        #expect(final["status"] == "open")
        #expect(try harness.storedSubscription("cmp_a")["pending_items"] == [])

        // The refund never falls past due. While April is unpaid, it is set against April's invoice.
        try harness.setClock(Fixture.utc(2026, 7, 1))
        let april = try #require(invoices.first?["invoice_id"])
        #expect(try await harness.runCycle()["marked_past_due"] == [april])
        let inArrears = try await harness.call("billing.overview")
        #expect(inArrears["past_due_invoices"] == 1)
        #expect(inArrears["outstanding_cents"] == 633)
        #expect(inArrears["refunds_due"] == 0)
        #expect(inArrears["refunds_due_cents"] == 0)

        _ = try await harness.call("billing.payInvoice", ["invoice_id": april])
        let paidUp = try await harness.call("billing.overview")
        #expect(paidUp["outstanding_cents"] == 0)
        #expect(paidUp["refunds_due"] == 1)
        #expect(paidUp["refunds_due_cents"] == 367)

        let paidOut = try await harness.call("billing.payInvoice", ["invoice_id": final["invoice_id"] ?? .null])
        #expect(paidOut["status"] == "paid")
        #expect(try await harness.call("billing.overview")["refunds_due"] == 0)
    }

    @Test("deletion at renewal skips final invoice")
    func deletionAtRenewal() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliver([Fixture.provisioned("cmp_a", tier: "premium", atMs: start)])

        let renewal = Fixture.utc(2026, 5, 1)
        try harness.setClock(renewal)
        try harness.deliver([Fixture.deleted("cmp_a", atMs: renewal)])

        // April's invoice is the last one; May began as the company was deleted.
        let invoices = try harness.storedInvoices("cmp_a")
        #expect(invoices.count == 1)
        #expect(invoices.first?["period_end_ms"]?.intValue == renewal)
        #expect(invoices.first?.lineAmounts == [5_000])
        let subscription = try harness.storedSubscription("cmp_a")
        #expect(subscription["status"] == "canceled")
        #expect(subscription["mrr_cents"] == 0)
        #expect(subscription["pending_items"] == [])
        #expect(try await harness.runCycle()["generated"] == [])
    }
}
