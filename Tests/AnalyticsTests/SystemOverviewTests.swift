import MeshProtocol
import MeshRuntime
import MeshTesting
import Testing

@testable import Analytics

@Suite("System overview")
struct SystemOverviewTests {
    @Test("params rejected as taking none")
    func paramsRejected() async throws {
        let harness = try ServiceHarness<Analytics>(startMs: utc(2026, 1, 20))

        do {
            _ = try await harness.call("analytics.systemOverview", ["x": 1])
            Issue.record("analytics.systemOverview accepted params.x")
        } catch {
            #expect(error.status == .invalidArgument)
            #expect(error.details?["field"] == "x")
            #expect(error.message.contains("analytics.systemOverview takes no params; send {} or leave params out"))
        }
    }

    @Test("counts by status and tier")
    func countsByStatusAndTier() async throws {
        let harness = try ServiceHarness<Analytics>(startMs: utc(2026, 1, 20))
        let start = utc(2026, 1, 10)
        let first = TestEvents.provisioned("cmp_a", tier: "basic", at: start)

        try harness.deliver([
            first,
            TestEvents.provisioned("cmp_b", tier: "premium", at: start),
            TestEvents.provisioned("cmp_c", tier: "platinum", at: start),
            TestEvents.provisioned("cmp_d", tier: "premium", at: start),
            TestEvents.suspended("cmp_b", at: start + day),
            TestEvents.deleted("cmp_d", at: start + 2 * day),
        ])
        // The same event delivered again, and the same fact under a new event id.
        try harness.deliver([first, TestEvents.provisioned("cmp_a", tier: "basic", at: start)])
        try harness.deliver([TestEvents.suspended("cmp_b", at: start + 3 * day)])

        let overview = try await harness.call("analytics.systemOverview").decode(SystemOverview.self)
        #expect(overview.totalCompanies == 3)
        #expect(overview.activeCompanies == 2)
        #expect(overview.suspendedCompanies == 1)
        #expect(overview.tierBreakdown == .init(basic: 1, premium: 1, platinum: 1))
        #expect(overview.estimatedMRRCents == 1_000 + 20_000)
        #expect(overview.asOfMs == utc(2026, 1, 20))
    }

    @Test("MRR of active companies")
    func mrrOfActiveCompanies() async throws {
        let harness = try ServiceHarness<Analytics>(startMs: utc(2026, 1, 20))
        let start = utc(2026, 1, 2)
        try harness.deliver([
            TestEvents.provisioned("cmp_1", tier: "premium", at: start),
            TestEvents.provisioned("cmp_2", tier: "premium", at: start),
            TestEvents.provisioned("cmp_3", tier: "basic", at: start),
            TestEvents.provisioned("cmp_4", tier: "platinum", at: start),
            TestEvents.suspended("cmp_4", at: start + day),
        ])

        var overview = try await harness.call("analytics.systemOverview").decode(SystemOverview.self)
        #expect(overview.estimatedMRRCents == 5_000 + 5_000 + 1_000)

        try harness.deliver([
            TestEvents.event(
                "company.reactivated", ["company_id": "cmp_4", "at_ms": .int(start + 2 * day), "automatic": false],
                at: start + 2 * day),
            TestEvents.event(
                "company.tier_changed",
                ["company_id": "cmp_3", "from_tier": "basic", "to_tier": "premium", "at_ms": .int(start + 3 * day)],
                at: start + 3 * day
            ),
        ])
        overview = try await harness.call("analytics.systemOverview").decode(SystemOverview.self)
        #expect(overview.estimatedMRRCents == 5_000 * 3 + 20_000)
        #expect(overview.tierBreakdown == .init(basic: 0, premium: 3, platinum: 1))
        #expect(overview.mostPopularTier == "premium")
    }

    @Test(
        "popular tier tie goes higher",
        arguments: [
            (["basic", "basic", "premium"], "basic"),
            (["basic", "premium"], "premium"),
            (["premium", "platinum", "basic", "platinum", "premium"], "platinum"),
            (["basic", "basic", "platinum", "platinum", "premium"], "platinum"),
            (["basic", "premium", "premium", "platinum"], "premium"),
        ]
    )
    func mostPopularTier(tiers: [String], expected: String) async throws {
        let harness = try ServiceHarness<Analytics>(startMs: utc(2026, 1, 20))
        let events = tiers.enumerated().map { index, tier in
            TestEvents.provisioned("cmp_\(index)", tier: tier, at: utc(2026, 1, 5))
        }
        try harness.deliver(events)

        let overview = try await harness.call("analytics.systemOverview").decode(SystemOverview.self)
        #expect(overview.mostPopularTier == expected)
    }

    @Test("empty overview is zero and null")
    func emptyOverview() async throws {
        let harness = try ServiceHarness<Analytics>()
        try harness.deliver([
            TestEvents.provisioned("cmp_gone", at: utc(2025, 12, 1)),
            TestEvents.deleted("cmp_gone", at: utc(2025, 12, 2)),
        ])

        let json = try await harness.call("analytics.systemOverview")
        #expect(json["most_popular_tier"] == .null)
        #expect(json["total_companies"] == 0)
        #expect(json["estimated_mrr_cents"] == 0)
        #expect(json["tier_breakdown"] == ["basic": 0, "premium": 0, "platinum": 0])
    }

    @Test("new this month across boundary")
    func newThisMonthAcrossMonthBoundary() async throws {
        let harness = try ServiceHarness<Analytics>(startMs: utc(2026, 1, 31, 23))
        try harness.deliver([
            TestEvents.provisioned("cmp_dec", at: utc(2025, 12, 31, 23)),
            TestEvents.provisioned("cmp_jan", at: utc(2026, 1, 31, 22)),
        ])

        var overview = try await harness.call("analytics.systemOverview").decode(SystemOverview.self)
        #expect(overview.newThisMonth == 1)
        #expect(overview.monthStartMs == utc(2026, 1, 1))

        try harness.setClock(utc(2026, 2, 1, 1))
        overview = try await harness.call("analytics.systemOverview").decode(SystemOverview.self)
        #expect(overview.newThisMonth == 0)
        #expect(overview.totalCompanies == 2)

        try harness.deliver([TestEvents.provisioned("cmp_feb", at: utc(2026, 2, 1, 0))])
        overview = try await harness.call("analytics.systemOverview").decode(SystemOverview.self)
        #expect(overview.newThisMonth == 1)
        #expect(overview.totalCompanies == 3)
    }

    @Test("overview denied to company users")
    func overviewIsForRoot() async throws {
        let harness = try ServiceHarness<Analytics>()
        let user = Caller(kind: .user, companyID: "cmp_a", userID: "usr_1", role: "owner")

        do {
            _ = try await harness.call("analytics.systemOverview", as: user)
            Issue.record("a company user read the overview")
        } catch {
            #expect(error.status == .permissionDenied)
        }
    }
}
