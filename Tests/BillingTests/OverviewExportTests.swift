import MeshProtocol
import MeshRuntime
import Testing

@testable import Billing

@Suite("Overview and export")
struct OverviewExportTests {
    @Test("MRR counts active subscriptions only")
    func overview() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliverInTurn([
            Fixture.provisioned("cmp_a", tier: "basic", atMs: start, keyPrefix: "AAA"),
            Fixture.provisioned("cmp_b", tier: "premium", atMs: start, keyPrefix: "BBB"),
            Fixture.provisioned("cmp_c", tier: "platinum", atMs: start, keyPrefix: "CCC"),
            Fixture.provisioned("cmp_d", tier: "premium", atMs: start, keyPrefix: "DDD"),
            Fixture.provisioned("cmp_e", tier: "premium", atMs: start, keyPrefix: "EEE"),
        ])
        try harness.deliverInTurn([
            Fixture.suspended("cmp_c", atMs: Fixture.utc(2026, 4, 10)),
            Fixture.deleted("cmp_d", atMs: Fixture.utc(2026, 4, 16)),
            Fixture.tierChanged("cmp_e", from: "premium", to: "platinum", atMs: Fixture.utc(2026, 4, 20)),
        ])

        let overview = try await harness.call("billing.overview")

        #expect(overview["active_subscriptions"] == 3)
        #expect(overview["suspended_subscriptions"] == 1)
        #expect(overview["canceled_subscriptions"] == 1)
        #expect(overview["mrr_cents"] == .int(1_000 + 5_000 + 20_000))
        #expect(overview["by_tier"] == ["basic": 1, "premium": 1, "platinum": 1])
        // Only cmp_d's final invoice exists so far: half of April at Premium.
        #expect(overview["open_invoices"] == 1)
        #expect(overview["past_due_invoices"] == 0)
        #expect(overview["outstanding_cents"] == 2_500)
        #expect(overview["currency"] == "USD")
    }

    @Test("outstanding sums unpaid invoices")
    func outstanding() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliver([
            Fixture.provisioned("cmp_a", tier: "basic", atMs: start, keyPrefix: "AAA"),
            Fixture.provisioned("cmp_b", tier: "premium", atMs: start, keyPrefix: "BBB"),
        ])
        try harness.setClock(Fixture.utc(2026, 6, 5))
        _ = try await harness.runCycle()

        let overview = try await harness.call("billing.overview")
        let unpaid = try await harness.invoices("cmp_a") + harness.invoices("cmp_b")

        #expect(overview["open_invoices"] == 2)
        #expect(overview["past_due_invoices"] == 2)
        let unpaidTotal = unpaid.compactMap { $0["total_cents"]?.intValue }.reduce(0, +)
        #expect(overview["outstanding_cents"]?.intValue == unpaidTotal)
        #expect(overview["outstanding_cents"] == .int(2 * 1_000 + 2 * 5_000))
    }

    @Test("export contains the company's rows")
    func export() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliverInTurn([
            Fixture.provisioned("cmp_a", tier: "basic", atMs: start, keyPrefix: "AAA"),
            Fixture.provisioned("cmp_b", tier: "premium", atMs: start, keyPrefix: "BBB"),
        ])
        let change = Fixture.tierChanged("cmp_a", from: "basic", to: "premium", atMs: Fixture.utc(2026, 4, 16))
        try harness.deliverInTurn([change])
        try harness.setClock(Fixture.utc(2026, 5, 1))
        _ = try await harness.runCycle()
        try harness.deliverInTurn([Fixture.suspended("cmp_a", atMs: Fixture.utc(2026, 5, 11))])

        let export = try await harness.call("billing.export", ["company_id": "cmp_a"], as: .service)

        #expect(export["company_id"] == "cmp_a")
        #expect(export["subscription"]?["company_id"] == "cmp_a")
        #expect(export["subscription"]?["tier"] == "premium")
        #expect(export["subscription"]?["status"] == "suspended")
        let history = export["history"]?.arrayValue ?? []
        #expect(history.compactMap { $0["kind"]?.stringValue } == ["created", "tier_changed", "suspended"])
        #expect(history[1]["prorated_cents"] == 2_000)
        let invoices = export["invoices"]?.arrayValue ?? []
        #expect(invoices.count == 1)
        #expect(invoices.first?["number"] == "INV-AAA-0001")
        let lines = export["line_items"]?.arrayValue ?? []
        let kinds = lines.compactMap { $0["kind"]?.stringValue }.sorted()
        #expect(kinds == ["proration_charge", "subscription", "suspension_credit"])
        #expect(lines.filter { $0["invoice_id"] == .null }.count == 1)
        let everyRow = [export["subscription"] ?? .null] + history + invoices + lines
        #expect(everyRow.allSatisfy { $0["company_id"] == "cmp_a" })

        // B's rows came between A's, but A's numbers count A's rows only, and a line names its history
        // row by A's number for it.
        #expect(history.map { $0["seq"] } == [1, 2, 3])
        #expect(lines.map { $0["seq"] } == [1, 2, 3])
        let proration = try #require(lines.first { $0["kind"] == "proration_charge" })
        #expect(proration["history_seq"] == 2)
        #expect(lines.first { $0["kind"] == "subscription" }?["history_seq"] == .null)
        #expect(history.allSatisfy { $0["company_seq"] == nil })
    }

    @Test("empty export and user access")
    func exportEdges() async throws {
        let harness = try Fixture.harness(at: Fixture.utc(2026, 4, 1))

        let empty = try await harness.call("billing.export", ["company_id": "cmp_none"], as: .root)
        let byUser = await #expect(throws: RPCError.self) {
            _ = try await harness.call("billing.export", ["company_id": "cmp_none"], as: Fixture.user(of: "cmp_none"))
        }

        #expect(empty["subscription"] == .null)
        #expect(empty["invoices"] == [])
        #expect(empty["line_items"] == [])
        #expect(byUser?.status == .permissionDenied)
    }

    @Test("export page params checked")
    func exportPageParams() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliver([Fixture.provisioned("cmp_a", atMs: start)])

        for bytes in [-5, 0, 1_023, (64 << 20) + 1] {
            let error = await #expect(throws: RPCError.self) {
                try await harness.call(
                    "billing.exportPage", ["company_id": "cmp_a", "maximum_bytes": .int(Int64(bytes))], as: .service)
            }
            #expect(error?.status == .invalidArgument)
            #expect(error?.details?["field"] == "maximum_bytes")
        }

        let position = await #expect(throws: RPCError.self) {
            try await harness.call("billing.exportPage", ["company_id": "cmp_a", "position": ["x": 1]], as: .service)
        }
        #expect(position?.details?["field"] == "position")
        #expect(position?.message.contains("previous page's next") == true)
    }
}
