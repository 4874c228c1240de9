import MeshProtocol
import MeshRuntime
import MeshTesting
import Testing

@testable import Analytics

@Suite("Recommendations")
struct RecommendationTests {
    static let now = utc(2026, 3, 15, 12)

    static func company(_ tier: String = "basic") throws -> ServiceHarness<Analytics> {
        let harness = try ServiceHarness<Analytics>(startMs: now)
        // The owner accepted the invitation, so it takes a seat however long ago that was.
        try harness.deliver([
            TestEvents.provisioned("cmp_r", tier: tier, at: utc(2026, 1, 1)),
            TestEvents.userActivated("cmp_r", "cmp_r_owner", at: utc(2026, 1, 2)),
        ])
        return harness
    }

    static func rules(_ report: CompanyReport) -> [String] {
        report.recommendations.map(\.rule)
    }

    /// Calls per day on Basic (limit 1,000, so more than 800 counts); the last 7 days are 03-09 to 03-15.
    @Test(
        "API calls near limit on 3 of 7 days",
        arguments: [
            (["2026-03-09": 801, "2026-03-12": 900, "2026-03-15": 1_000], true),
            (["2026-03-09": 801, "2026-03-12": 900, "2026-03-13": 800], false),
            (["2026-03-08": 5_000, "2026-03-12": 900, "2026-03-15": 1_000], false),
            (["2026-03-10": 950, "2026-03-11": 990, "2026-03-12": 999, "2026-03-13": 1_000], true),
        ] as [([String: Int64], Bool)]
    )
    func apiCallsRule(calls: [String: Int64], fires: Bool) async throws {
        let harness = try Self.company()
        try harness.deliver(calls.map { TestEvents.usage("cmp_r", day: $0.key, calls: $0.value, at: Self.now) })

        let report = try await harness.report("cmp_r")
        let recommendation = report.recommendations.first { $0.rule == "api_calls_near_daily_limit" }
        #expect((recommendation != nil) == fires)
        if let recommendation {
            let over = calls.filter { $0.key >= "2026-03-09" && $0.value > 800 }.count
            #expect(recommendation.figures["days_over"] == .int(Int64(over)))
            #expect(recommendation.figures["limit"] == 1_000)
            #expect(recommendation.figures["days_considered"] == 7)
        }
    }

    @Test("users at 80% of limit")
    func usersRule() async throws {
        let harness = try Self.company()
        try harness.deliver((1...2).map { TestEvents.userInvited("cmp_r", "usr_\($0)", at: utc(2026, 3, 1)) })
        #expect(!Self.rules(try await harness.report("cmp_r")).contains("users_near_limit"))

        try harness.deliver([TestEvents.userInvited("cmp_r", "usr_3", at: utc(2026, 3, 2))])
        let report = try await harness.report("cmp_r")
        let recommendation = try #require(report.recommendations.first { $0.rule == "users_near_limit" })
        #expect(recommendation.figures["current"] == 4)
        #expect(recommendation.figures["limit"] == 5)
        #expect(recommendation.figures["percent"]?.doubleValue == 80)
    }

    @Test("issues at 80% of limit")
    func issuesRule() async throws {
        let harness = try Self.company()
        try harness.deliver(
            (0..<799).map { TestEvents.issueCreated("cmp_r", "iss_\($0)", at: utc(2026, 3, 1), assignee: "usr_1") })
        #expect(!Self.rules(try await harness.report("cmp_r")).contains("issues_near_limit"))

        try harness.deliver([TestEvents.issueCreated("cmp_r", "iss_799", at: utc(2026, 3, 1), assignee: "usr_1")])
        let report = try await harness.report("cmp_r")
        #expect(Self.rules(report).contains("issues_near_limit"))
        #expect(report.usage.issues.current == 800)
    }

    @Test("no integration besides email")
    func integrationRule() async throws {
        let harness = try Self.company("premium")
        var report = try await harness.report("cmp_r")
        let recommendation = try #require(report.recommendations.first { $0.rule == "no_integration" })
        #expect(recommendation.figures["enabled"] == ["email"])
        #expect(recommendation.figures["available_on_tier"] == ["slack_webhook", "webhook"])

        try harness.deliver([TestEvents.configured("cmp_r", integrations: ["email", "webhook"], at: utc(2026, 3, 2))])
        report = try await harness.report("cmp_r")
        #expect(!Self.rules(report).contains("no_integration"))
        #expect(report.profile.integrations == ["email", "webhook"])
    }

    @Test("sso does not count as an integration that sends notices")
    func ssoLeavesIntegrationRuleFiring() async throws {
        let harness = try Self.company("platinum")
        try harness.deliver([TestEvents.configured("cmp_r", integrations: ["email", "sso"], at: utc(2026, 3, 2))])

        var report = try await harness.report("cmp_r")
        var recommendation = try #require(report.recommendations.first { $0.rule == "no_integration" })
        #expect(recommendation.figures["enabled"] == ["email", "sso"])
        #expect(recommendation.figures["available_on_tier"] == ["slack_webhook", "webhook"])
        #expect(
            recommendation.message.hasPrefix("No integration besides email and sso (which sends nothing) is enabled;"))

        try harness.deliver([TestEvents.configured("cmp_r", integrations: ["sso"], at: utc(2026, 3, 3))])
        report = try await harness.report("cmp_r")
        recommendation = try #require(report.recommendations.first { $0.rule == "no_integration" })
        #expect(recommendation.message.contains("the owner gets no notices at all"))
    }

    @Test("stale unassigned issues")
    func staleUnassignedRule() async throws {
        let harness = try Self.company()
        let old = utc(2026, 2, 1)
        try harness.deliver([
            TestEvents.issueCreated("cmp_r", "assigned", at: old, assignee: "usr_1"),
            TestEvents.issueCreated("cmp_r", "recent", at: utc(2026, 3, 1)),
            TestEvents.issueCreated("cmp_r", "resolved", at: old),
            TestEvents.issueResolved("cmp_r", "resolved", created: old, resolved: utc(2026, 3, 1)),
        ])
        #expect(!Self.rules(try await harness.report("cmp_r")).contains("stale_unassigned_issues"))

        try harness.deliver([
            TestEvents.issueCreated("cmp_r", "stale_1", at: old),
            TestEvents.issueCreated("cmp_r", "stale_2", at: utc(2026, 2, 5)),
            TestEvents.issueCreated("cmp_r", "assigned_later", at: old),
            TestEvents.event(
                "issue.updated",
                [
                    "company_id": "cmp_r", "issue_id": "assigned_later", "team_id": nil, "type": "Bug",
                    "priority": "High",
                    "changes": ["assignee_id": ["from": nil, "to": "usr_2"]], "at_ms": .int(utc(2026, 3, 3)),
                ],
                at: utc(2026, 3, 3)
            ),
        ])
        let report = try await harness.report("cmp_r")
        let recommendation = try #require(report.recommendations.first { $0.rule == "stale_unassigned_issues" })
        #expect(recommendation.figures["count"] == 2)
        #expect(recommendation.figures["oldest_created_at_ms"] == .int(old))
    }

    @Test("quiet company gets none")
    func nothingFires() async throws {
        let harness = try Self.company("premium")
        try harness.deliver([
            TestEvents.configured("cmp_r", integrations: ["email", "slack_webhook"], at: utc(2026, 3, 2)),
            TestEvents.usage("cmp_r", day: "2026-03-14", calls: 9_000, at: Self.now),
        ])

        let report = try await harness.report("cmp_r")
        #expect(report.recommendations.isEmpty)
    }
}
