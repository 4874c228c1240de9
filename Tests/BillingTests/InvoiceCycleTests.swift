import MeshProtocol
import MeshRuntime
import Testing

@testable import Billing

@Suite("Invoices at period end")
struct InvoiceCycleTests {
    @Test("invoice at period end")
    func firstInvoice() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliver([Fixture.provisioned("cmp_a", atMs: start)])
        try harness.advance(days: 15)
        let change = Fixture.tierChanged("cmp_a", from: "basic", to: "premium", atMs: Fixture.utc(2026, 4, 16))
        try harness.deliver([change])

        try harness.advance(days: 14)
        #expect(try await harness.runCycle()["generated"] == [])
        try harness.advance(days: 1)
        let report = try await harness.runCycle()

        let generated = report["generated"]?.arrayValue ?? []
        #expect(generated.count == 1)
        let invoice = try #require(generated.first)
        #expect(invoice["number"] == "INV-ACME-0001")
        #expect(invoice["period_start_ms"]?.intValue == start)
        #expect(invoice["period_end_ms"]?.intValue == Fixture.utc(2026, 5, 1))
        #expect(invoice.lineKinds == ["subscription", "proration_charge"])
        #expect(invoice.lineAmounts == [1_000, 2_000])
        #expect(invoice["total_cents"] == 3_000)
        #expect(invoice["status"] == "open")
        #expect(invoice["due_at_ms"]?.intValue == Fixture.utc(2026, 5, 15))
        #expect(invoice["paid_at_ms"] == .null)
        #expect(report["complete"] == true)

        let subscription = try await harness.subscription("cmp_a")
        #expect(subscription["current_period_start_ms"]?.intValue == Fixture.utc(2026, 5, 1))
        #expect(subscription["current_period_end_ms"]?.intValue == Fixture.utc(2026, 6, 1))
        #expect(subscription["pending_items"] == [])
        #expect(try await harness.runCycle()["generated"] == [])
    }

    @Test("clock jump invoices each period once")
    func clockJump() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliverInTurn([Fixture.provisioned("cmp_a", atMs: start)])
        let change = Fixture.tierChanged("cmp_a", from: "basic", to: "premium", atMs: Fixture.utc(2026, 4, 16))
        try harness.deliverInTurn([change])

        try harness.setClock(Fixture.utc(2026, 7, 1) + 3_600_000)
        let report = try await harness.runCycle()
        let again = try await harness.runCycle()

        let generated = report["generated"]?.arrayValue ?? []
        let numbers = generated.compactMap { $0["number"]?.stringValue }
        #expect(numbers == ["INV-ACME-0001", "INV-ACME-0002", "INV-ACME-0003"])
        #expect(
            generated.compactMap { $0["period_start_ms"]?.intValue } == [
                Fixture.utc(2026, 4, 1), Fixture.utc(2026, 5, 1), Fixture.utc(2026, 6, 1),
            ])
        #expect(generated.compactMap { $0["total_cents"]?.intValue } == [3_000, 5_000, 5_000])
        #expect(again["generated"] == [])

        let invoices = try await harness.invoices("cmp_a")
        #expect(invoices.count == 3)
        let prorations = invoices.flatMap(\.lineKinds).filter { $0 == "proration_charge" }
        #expect(prorations.count == 1)
        let subscription = try await harness.subscription("cmp_a")
        #expect(subscription["current_period_start_ms"]?.intValue == Fixture.utc(2026, 7, 1))
    }

    @Test("tier change before the pass")
    func changeBeforePass() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliver([Fixture.provisioned("cmp_a", atMs: start)])

        // May has 31 days; 22 of them remain after May 10.
        try harness.setClock(Fixture.utc(2026, 5, 10))
        let change = Fixture.tierChanged("cmp_a", from: "basic", to: "premium", atMs: Fixture.utc(2026, 5, 10))
        try harness.deliver([change])

        let invoices = try await harness.invoices("cmp_a")
        #expect(invoices.count == 1)
        #expect(invoices.first?.lineAmounts == [1_000])
        #expect(try await harness.pendingItems("cmp_a").lineAmounts == [2_839])
    }

    @Test("late tier change catches up")
    func lateTierChange() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliver([Fixture.provisioned("cmp_a", atMs: start)])
        try harness.setClock(Fixture.utc(2026, 5, 2))
        _ = try await harness.runCycle()

        let change = Fixture.tierChanged("cmp_a", from: "basic", to: "premium", atMs: Fixture.utc(2026, 4, 16))

        try harness.deliver([change])
        #expect(try await harness.pendingItems("cmp_a").lineAmounts == [2_000])

        try harness.setClock(Fixture.utc(2026, 6, 1))
        let invoice = try #require(try await harness.runCycle()["generated"]?.arrayValue?.first)
        // May began at Premium, and half of April at Premium comes on top: 5000 + 2000.
        #expect(invoice.lineAmounts == [5_000, 2_000])
        #expect(invoice.lineDescriptions.first == "Premium plan, 2026-05-01 to 2026-06-01")
        #expect(invoice["total_cents"] == 7_000)
    }

    @Test("tier change at period start names the new plan")
    func changeAtPeriodStart() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliver([Fixture.provisioned("cmp_a", atMs: start)])

        try harness.setClock(Fixture.utc(2026, 5, 1))
        let change = Fixture.tierChanged("cmp_a", from: "basic", to: "premium", atMs: Fixture.utc(2026, 5, 1))
        try harness.deliver([change])
        #expect(try await harness.pendingItems("cmp_a") == [])

        try harness.setClock(Fixture.utc(2026, 6, 1))
        _ = try await harness.runCycle()
        let invoices = try await harness.invoices("cmp_a")
        #expect(invoices.map(\.lineAmounts) == [[1_000], [5_000]])
        #expect(
            invoices.map(\.lineDescriptions) == [
                ["Basic plan, 2026-04-01 to 2026-05-01"], ["Premium plan, 2026-05-01 to 2026-06-01"],
            ])
    }

    @Test("past due after due date")
    func pastDue() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliver([Fixture.provisioned("cmp_a", atMs: start)])
        try harness.setClock(Fixture.utc(2026, 5, 1))
        _ = try await harness.runCycle()

        try harness.setClock(Fixture.utc(2026, 5, 15))
        #expect(try await harness.runCycle()["marked_past_due"] == [])
        #expect(try await harness.invoices("cmp_a", status: "open").count == 1)

        try harness.setClock(Fixture.utc(2026, 5, 15) + 1)
        let report = try await harness.runCycle()

        let pastDue = try await harness.invoices("cmp_a", status: "past_due")
        #expect(pastDue.count == 1)
        #expect(report["marked_past_due"] == [pastDue[0]["invoice_id"] ?? .null])
        #expect(try await harness.invoices("cmp_a", status: "open").isEmpty)
    }

    @Test("past due after clock jump")
    func pastDueAfterJump() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliver([Fixture.provisioned("cmp_a", atMs: start)])

        try harness.setClock(Fixture.utc(2026, 8, 1))
        _ = try await harness.runCycle()

        let statuses = try await harness.invoices("cmp_a").compactMap { $0["status"]?.stringValue }
        #expect(statuses == ["past_due", "past_due", "past_due", "open"])
    }

    @Test("invoice is paid once")
    func payInvoice() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliver([Fixture.provisioned("cmp_a", atMs: start)])
        try harness.setClock(Fixture.utc(2026, 6, 10))
        _ = try await harness.runCycle()
        let invoices = try await harness.invoices("cmp_a")
        let pastDueID = try #require(invoices.first?["invoice_id"])
        let openID = try #require(invoices.last?["invoice_id"])

        let paid = try await harness.call("billing.payInvoice", ["invoice_id": pastDueID])
        _ = try await harness.call("billing.payInvoice", ["invoice_id": openID])

        #expect(paid["status"] == "paid")
        #expect(paid["paid_at_ms"]?.intValue == Fixture.utc(2026, 6, 10))
        let again = await #expect(throws: RPCError.self) {
            _ = try await harness.call("billing.payInvoice", ["invoice_id": pastDueID])
        }
        #expect(again?.status == .failedPrecondition)
        #expect(again?.message.contains("already paid") == true)
        #expect(again?.details?["status"] == "paid")
        let unknown = await #expect(throws: RPCError.self) {
            _ = try await harness.call("billing.payInvoice", ["invoice_id": "inv_nope"])
        }
        #expect(unknown?.status == .notFound)
        let byUser = await #expect(throws: RPCError.self) {
            _ = try await harness.call("billing.payInvoice", ["invoice_id": openID], as: Fixture.user(of: "cmp_a"))
        }
        #expect(byUser?.status == .permissionDenied)
        #expect(try await harness.invoices("cmp_a", status: "paid").count == 2)
        #expect(try await harness.call("billing.overview")["outstanding_cents"] == 0)
    }
}
