import Foundation
import MeshProtocol
import MeshRuntime
import MeshTesting
import Testing

@testable import Analytics

@Suite("Company report")
struct CompanyReportTests {
    /// Sunday 2026-03-15 at noon UTC; its ISO week 2026-W11 runs from Monday 2026-03-09.
    static let now = utc(2026, 3, 15, 12)

    static func premiumCompany() throws -> ServiceHarness<Analytics> {
        let harness = try ServiceHarness<Analytics>(startMs: now)
        try harness.deliver([TestEvents.provisioned("cmp_p", tier: "premium", at: utc(2026, 2, 1))])
        return harness
    }

    @Test("an empty company id is an invalid argument")
    func emptyCompanyID() async throws {
        let harness = try Self.premiumCompany()

        do {
            _ = try await harness.reportJSON("")
            Issue.record("a report for an empty company id was returned")
        } catch {
            #expect(error.status == .invalidArgument)
            #expect(error.details?["field"] == "company_id")
        }
    }

    @Test("two resolutions in one millisecond count twice")
    func resolutionsInOneMillisecond() async throws {
        let harness = try Self.premiumCompany()
        let created = utc(2026, 3, 10)
        let at = created + hour
        let reopened = TestEvents.event(
            "issue.reopened", ["company_id": "cmp_p", "issue_id": "iss_1", "team_id": nil, "at_ms": .int(at)], at: at)

        try harness.deliver([
            TestEvents.issueCreated("cmp_p", "iss_1", at: created),
            TestEvents.transitioned("cmp_p", "iss_1", to: "Closed", at: at, resolved: true, resolution: "res_1"),
            TestEvents.issueResolved("cmp_p", "iss_1", created: created, resolved: at, resolution: "res_1"),
            reopened,
            TestEvents.transitioned("cmp_p", "iss_1", to: "Closed", at: at, resolved: true, resolution: "res_2"),
            TestEvents.issueResolved("cmp_p", "iss_1", created: created, resolved: at, resolution: "res_2"),
            // The first resolution delivered again under another event id.
            TestEvents.issueResolved("cmp_p", "iss_1", created: created, resolved: at, resolution: "res_1"),
        ])

        let report = try await harness.report("cmp_p", days: 10)
        #expect(report.resolutionTime.resolved == 2)
        #expect(report.issuesPerDay.map(\.issuesResolved).reduce(0, +) == 2)
    }

    @Test("resolution mean, median and p90")
    func resolutionStatistics() async throws {
        let harness = try Self.premiumCompany()
        let created = utc(2026, 3, 10)
        let hours: [Int64] = [1, 2, 3, 4, 10]
        for (index, duration) in hours.enumerated() {
            try harness.deliver([
                TestEvents.issueCreated("cmp_p", "iss_\(index)", at: created),
                TestEvents.issueResolved(
                    "cmp_p", "iss_\(index)", created: created, resolved: created + duration * hour),
            ])
        }
        // One resolution reported by both issue.transitioned and issue.resolved counts once.
        try harness.deliver([
            TestEvents.issueCreated("cmp_p", "iss_5", at: created),
            TestEvents.transitioned("cmp_p", "iss_5", to: "Closed", at: created + 5 * hour, resolved: true),
            TestEvents.issueResolved("cmp_p", "iss_5", created: created, resolved: created + 5 * hour),
        ])
        // Resolved before the window: left out.
        try harness.deliver([
            TestEvents.issueCreated("cmp_p", "iss_old", at: utc(2026, 2, 20)),
            TestEvents.issueResolved(
                "cmp_p", "iss_old", created: utc(2026, 2, 20), resolved: utc(2026, 2, 20) + 100 * hour),
        ])

        let report = try await harness.report("cmp_p", days: 10)
        // Durations 1, 2, 3, 4, 5, 10 hours.
        #expect(report.resolutionTime.resolved == 6)
        #expect(report.resolutionTime.timed == 6)
        #expect(report.resolutionTime.meanMs == 25 * hour / 6)
        #expect(report.resolutionTime.medianMs == (3 * hour + 4 * hour) / 2)
        #expect(report.resolutionTime.p90Ms == 10 * hour)
        #expect(report.distribution.total == 7)
        #expect(report.distribution.open == 0)
        #expect(report.distribution.byStatus["Closed"] == 1)
    }

    @Test("no resolutions give null durations")
    func resolutionStatisticsWhenNothingResolved() async throws {
        let harness = try Self.premiumCompany()
        try harness.deliver([TestEvents.issueCreated("cmp_p", "iss_1", at: utc(2026, 3, 14))])

        let json = try await harness.reportJSON("cmp_p")
        #expect(
            json["resolution_time"] == [
                "resolved": 0, "timed": 0, "mean_ms": nil, "median_ms": nil, "p90_ms": nil, "percentiles_note": nil,
            ])
    }

    @Test("per-day and per-week buckets")
    func perDayAndPerWeekBuckets() async throws {
        let harness = try Self.premiumCompany()
        try harness.deliver([
            TestEvents.issueCreated("cmp_p", "before", at: utc(2026, 3, 5, 23)),
            TestEvents.issueCreated("cmp_p", "fri_1", at: utc(2026, 3, 6, 0)),
            TestEvents.issueCreated("cmp_p", "fri_2", at: utc(2026, 3, 6, 23)),
            TestEvents.issueCreated("cmp_p", "mon", at: utc(2026, 3, 9, 8)),
            TestEvents.issueCreated("cmp_p", "sun_1", at: utc(2026, 3, 15, 1)),
            TestEvents.issueCreated("cmp_p", "sun_2", at: utc(2026, 3, 15, 2)),
            TestEvents.issueCreated("cmp_p", "sun_3", at: utc(2026, 3, 15, 3)),
            TestEvents.issueResolved("cmp_p", "mon", created: utc(2026, 3, 9, 8), resolved: utc(2026, 3, 10, 9)),
        ])

        let report = try await harness.report("cmp_p", days: 10)
        #expect(report.window.fromDay == "2026-03-06")
        #expect(report.window.toDay == "2026-03-15")
        #expect(report.window.fromMs == utc(2026, 3, 6))
        #expect(report.window.toMs == utc(2026, 3, 16))
        #expect(report.issuesPerDay.count == 10)
        #expect(report.issuesPerDay.map(\.issuesCreated) == [2, 0, 0, 1, 0, 0, 0, 0, 0, 3])
        #expect(report.issuesPerDay.map(\.issuesResolved) == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0])
        #expect(
            report.issuesPerWeek == [
                WeekActivity(
                    week: "2026-W10", fromDay: "2026-03-06", toDay: "2026-03-08", days: 3, issuesCreated: 2,
                    issuesResolved: 0),
                WeekActivity(
                    week: "2026-W11", fromDay: "2026-03-09", toDay: "2026-03-15", days: 7, issuesCreated: 4,
                    issuesResolved: 1),
            ]
        )
    }

    @Test(
        "window capped by tier history",
        arguments: [
            ("basic", 30, 7, true),
            ("basic", nil, 7, false),
            ("basic", 3, 3, false),
            ("premium", 30, 30, false),
            ("premium", 120, 90, true),
            ("platinum", nil, 90, false),
            ("platinum", 400, 400, false),
        ] as [(String, Int?, Int, Bool)]
    )
    func windowCappedByTier(tier: String, requested: Int?, days: Int, capped: Bool) async throws {
        let harness = try ServiceHarness<Analytics>(startMs: Self.now)
        try harness.deliver([TestEvents.provisioned("cmp_w", tier: tier, at: utc(2026, 1, 5))])

        let report = try await harness.report("cmp_w", days: requested)
        #expect(report.window.days == days)
        #expect(report.window.cappedByTier == capped)
        #expect(report.issuesPerDay.count == days)
        #expect(report.window.toMs - report.window.fromMs == Int64(days) * day)
    }

    @Test("zero-day window rejected")
    func zeroDaysRejected() async throws {
        let harness = try Self.premiumCompany()

        do {
            _ = try await harness.reportJSON("cmp_p", days: 0)
            Issue.record("a zero-day window was accepted")
        } catch {
            #expect(error.status == .invalidArgument)
            #expect(error.details?["field"] == "days")
        }
    }

    @Test("month-over-month trends")
    func monthOverMonthTrends() async throws {
        let harness = try Self.premiumCompany()
        try harness.deliver((0..<3).map { TestEvents.issueCreated("cmp_p", "cur_\($0)", at: utc(2026, 3, 1)) })

        var json = try await harness.reportJSON("cmp_p")
        #expect(json["trends"]?["issues_created"] == ["current": 3, "previous": 0, "change_percent": "new"])
        #expect(json["trends"]?["issues_resolved"]?["change_percent"]?.doubleValue == 0)
        #expect(json["trends"]?["current_from_day"] == "2026-02-14")
        #expect(json["trends"]?["previous_to_day"] == "2026-02-13")

        try harness.deliver((0..<2).map { TestEvents.issueCreated("cmp_p", "prev_\($0)", at: utc(2026, 1, 20)) })
        json = try await harness.reportJSON("cmp_p")
        #expect(json["trends"]?["issues_created"]?["previous"] == 2)
        #expect(json["trends"]?["issues_created"]?["change_percent"]?.doubleValue == 50)

        try harness.deliver([
            TestEvents.issueResolved("cmp_p", "prev_0", created: utc(2026, 1, 20), resolved: utc(2026, 1, 21))
        ])
        let report = try await harness.report("cmp_p")
        #expect(report.trends?.issuesResolved == Trend(current: 0, previous: 1))
        #expect(report.trends?.issuesResolved.changePercent == .percent(-100))
    }

    @Test("teams null on Basic")
    func teamsAbsentOnBasic() async throws {
        let harness = try ServiceHarness<Analytics>(startMs: Self.now)
        try harness.deliver([
            TestEvents.provisioned("cmp_b", tier: "basic", at: utc(2026, 3, 1)),
            TestEvents.teamCreated("cmp_b", "team_1", at: utc(2026, 3, 2)),
        ])

        let json = try await harness.reportJSON("cmp_b")
        #expect(json["teams"] == .null)
        #expect(json["teams_note"]?.stringValue?.contains("Premium") == true)
    }

    @Test("team figures on Premium")
    func teamsOnPremium() async throws {
        let harness = try Self.premiumCompany()
        let at = utc(2026, 3, 10)
        try harness.deliver([
            TestEvents.teamCreated("cmp_p", "team_a", at: at),
            TestEvents.teamCreated("cmp_p", "team_b", at: at),
            TestEvents.memberAdded("cmp_p", "team_a", "usr_1", at: at),
            TestEvents.memberAdded("cmp_p", "team_a", "usr_2", at: at),
            TestEvents.memberAdded("cmp_p", "team_a", "usr_2", at: at + hour),
            TestEvents.issueCreated("cmp_p", "a_1", at: at, team: "team_a"),
            TestEvents.issueCreated("cmp_p", "a_2", at: at, team: "team_a"),
            TestEvents.issueCreated("cmp_p", "a_3", at: at, team: "team_a"),
            TestEvents.issueCreated("cmp_p", "a_4", at: at, team: "team_a"),
            TestEvents.issueResolved("cmp_p", "a_3", created: at, resolved: at + 2 * hour, team: "team_a"),
            TestEvents.issueResolved("cmp_p", "a_4", created: at, resolved: at + 4 * hour, team: "team_a"),
        ])

        let report = try await harness.report("cmp_p")
        #expect(report.teamsNote == nil)
        #expect(
            report.teams == [
                TeamFigures(
                    teamID: "team_a", name: "Team team_a", members: 2, openIssues: 2, resolvedInWindow: 2,
                    meanResolutionMs: 3 * hour),
                TeamFigures(
                    teamID: "team_b", name: "Team team_b", members: 0, openIssues: 0, resolvedInWindow: 0,
                    meanResolutionMs: nil),
            ]
        )
    }

    @Test("teams come in pages")
    func teamsInPages() async throws {
        let harness = try Self.premiumCompany()
        let at = utc(2026, 3, 10)
        try harness.deliver(
            ["team_c", "team_a", "team_b"].map { TestEvents.teamCreated("cmp_p", $0, at: at) } + [
                TestEvents.issueCreated("cmp_p", "c_1", at: at, team: "team_c")
            ])
        let page = { (cursor: JSONValue) in
            try await harness.call(
                "analytics.companyReport", ["company_id": "cmp_p", "teams_limit": 2, "teams_cursor": cursor])
        }

        let first = try await page(.null)
        let second = try await page(try #require(first["teams_next_cursor"]))
        let whole = try await harness.reportJSON("cmp_p")

        #expect(first["teams"]?.arrayValue?.map { $0["team_id"] } == ["team_a", "team_b"])
        #expect(second["teams"]?.arrayValue?.map { $0["team_id"] } == ["team_c"])
        #expect(second["teams"]?.arrayValue?.first?["open_issues"] == 1)
        #expect(second["teams_next_cursor"] == nil)
        #expect(whole["teams"]?.arrayValue?.count == 3)
        #expect(whole["teams_next_cursor"] == nil)
    }

    @Test("teams ordered by name ignoring case")
    func teamsIgnoreCase() async throws {
        let harness = try Self.premiumCompany()
        let at = utc(2026, 3, 10)
        try harness.deliver(
            [("team_1", "beta"), ("team_2", "Gamma"), ("team_3", "Alpha")].map { team, name in
                TestEvents.event(
                    "team.created",
                    ["company_id": "cmp_p", "team_id": .string(team), "name": .string(name), "at_ms": .int(at)], at: at)
            })

        let first = try await harness.call("analytics.companyReport", ["company_id": "cmp_p", "teams_limit": 2])
        let second = try await harness.call(
            "analytics.companyReport",
            ["company_id": "cmp_p", "teams_limit": 2, "teams_cursor": try #require(first["teams_next_cursor"])])

        #expect(first["teams"]?.arrayValue?.map { $0["name"] } == ["Alpha", "beta"])
        #expect(second["teams"]?.arrayValue?.map { $0["name"] } == ["Gamma"])
    }

    @Test("teams cursor rejected on Basic")
    func teamsCursorOnBasic() async throws {
        let harness = try ServiceHarness<Analytics>(startMs: Self.now)
        try harness.deliver([TestEvents.provisioned("cmp_b", tier: "basic", at: utc(2026, 3, 1))])

        let error = await #expect(throws: RPCError.self) {
            try await harness.call("analytics.companyReport", ["company_id": "cmp_b", "teams_cursor": "team_x"])
        }

        #expect(error?.details?["field"] == "teams_cursor")

        let limit = await #expect(throws: RPCError.self) {
            try await harness.call("analytics.companyReport", ["company_id": "cmp_b", "teams_limit": 0])
        }
        #expect(limit?.message == "teams_limit must be 1 to 1000, not 0")
    }

    @Test("bad teams page params rejected")
    func badTeamsPageParams() async throws {
        let harness = try Self.premiumCompany()

        let limit = await #expect(throws: RPCError.self) {
            try await harness.call("analytics.companyReport", ["company_id": "cmp_p", "teams_limit": 1001])
        }
        let cursor = await #expect(throws: RPCError.self) {
            try await harness.call("analytics.companyReport", ["company_id": "cmp_p", "teams_cursor": "team_nope"])
        }

        #expect(limit?.details?["field"] == "teams_limit")
        #expect(cursor?.details?["field"] == "teams_cursor")
        #expect(cursor?.message.contains("is not one analytics.companyReport returned") == true)
    }

    @Test("usage against limits")
    func usageAgainstLimits() async throws {
        let harness = try ServiceHarness<Analytics>(startMs: Self.now)
        try harness.deliver([
            TestEvents.provisioned("cmp_b", tier: "basic", at: utc(2026, 3, 1)),
            TestEvents.userInvited("cmp_b", "usr_1", at: utc(2026, 3, 2)),
            TestEvents.userInvited("cmp_b", "usr_2", at: utc(2026, 3, 2)),
            TestEvents.userActivated("cmp_b", "usr_2", at: utc(2026, 3, 3)),
            TestEvents.userInvited("cmp_b", "usr_3", at: utc(2026, 3, 2)),
            TestEvents.event(
                "user.deactivated", ["company_id": "cmp_b", "user_id": "usr_3", "at_ms": .int(utc(2026, 3, 4))],
                at: utc(2026, 3, 4)),
            TestEvents.configured("cmp_b", integrations: ["email"], customFields: 3, at: utc(2026, 3, 5)),
            TestEvents.issueCreated("cmp_b", "iss_1", at: utc(2026, 3, 6)),
            TestEvents.issueCreated("cmp_b", "iss_2", at: utc(2026, 3, 6)),
            TestEvents.event(
                "issue.deleted",
                [
                    "company_id": "cmp_b", "issue_id": "iss_2", "team_id": nil, "status": "Open",
                    "at_ms": .int(utc(2026, 3, 7)),
                ],
                at: utc(2026, 3, 7)
            ),
            TestEvents.usage("cmp_b", day: "2026-03-15", calls: 250, at: Self.now),
            TestEvents.usage("cmp_b", day: "2026-03-14", calls: 900, at: Self.now - day),
        ])

        let report = try await harness.report("cmp_b")
        // The owner (invited at provisioning), usr_1 (invited) and usr_2 (active); usr_3 is deactivated.
        #expect(report.usage.users == LimitUsage(current: 3, limit: 5))
        #expect(report.usage.users.percent == 60)
        #expect(report.activeUsers == 1)
        #expect(report.usage.issues == LimitUsage(current: 1, limit: 1_000))
        #expect(report.usage.issues.percent == 0.1)
        #expect(report.usage.customFields == LimitUsage(current: 3, limit: 5))
        #expect(report.usage.apiCallsToday == LimitUsage(current: 250, limit: 1_000))
        #expect(report.usage.apiCallsToday.percent == 25)
        #expect(report.profile.daysActive == 14)
        #expect(report.profile.tier == "basic")
    }

    @Test("unlimited limits are null")
    func unlimitedLimitsAreNull() async throws {
        let harness = try ServiceHarness<Analytics>(startMs: Self.now)
        try harness.deliver([
            TestEvents.provisioned("cmp_x", tier: "platinum", at: utc(2026, 3, 1)),
            TestEvents.usage("cmp_x", day: "2026-03-15", calls: 123_456, at: Self.now),
        ])

        let json = try await harness.reportJSON("cmp_x")
        #expect(json["usage"]?["users"] == ["current": 1, "limit": nil, "percent": nil])
        #expect(json["usage"]?["api_calls_today"] == ["current": 123_456, "limit": nil, "percent": nil])
        #expect(json["usage"]?["issues"]?["limit"] == .null)
        #expect(json["usage"]?["custom_fields"]?["limit"] == .null)
    }

    @Test("other company is NOT_FOUND")
    func crossCompanyIsNotFound() async throws {
        let harness = try ServiceHarness<Analytics>(startMs: Self.now)
        try harness.deliver([
            TestEvents.provisioned("cmp_a", at: utc(2026, 3, 1)),
            TestEvents.provisioned("cmp_b", at: utc(2026, 3, 1)),
        ])
        let userOfA = Caller(kind: .user, companyID: "cmp_a", userID: "cmp_a_owner", role: "owner")

        let own = try await harness.report("cmp_a", as: userOfA)
        #expect(own.profile.companyID == "cmp_a")

        for (company, caller) in [("cmp_b", userOfA), ("cmp_unknown", Caller.root)] {
            do {
                _ = try await harness.reportJSON(company, as: caller)
                Issue.record("the report of \(company) was returned")
            } catch {
                #expect(error.status == .notFound)
            }
        }
    }

    @Test("report fits a lowered frame")
    func reportFitsLoweredFrame() async throws {
        let harness = try ServiceHarness<Analytics>(startMs: Self.now, variables: ["MESH_MAX_FRAME_BYTES": "65536"])
        let at = utc(2026, 3, 1)
        let names = (0..<300).map { String(format: "%03d ", $0) + String(repeating: "n", count: 96) }
        try harness.deliver(
            [TestEvents.provisioned("cmp_x", tier: "platinum", at: at)]
                + names.enumerated().map { index, name in
                    TestEvents.event(
                        "team.created",
                        [
                            "company_id": "cmp_x", "team_id": .string("team_\(index)"), "name": .string(name),
                            "at_ms": .int(at),
                        ], at: at)
                })

        // The teams come in pages cut to the frame, in name order, each team once.
        var listed: [String] = []
        var cursor: JSONValue = .null
        repeat {
            let report = try await harness.call(
                "analytics.companyReport", ["company_id": "cmp_x", "teams_cursor": cursor])
            let teams = try #require(report["teams"]?.arrayValue)
            #expect(!teams.isEmpty)
            #expect(teams.count < 300)
            listed += teams.compactMap { $0["name"]?.stringValue }
            cursor = report["teams_next_cursor"] ?? .null
        } while cursor != .null
        #expect(listed == names)

        // Ten years of days do not fit even with one team: the error names days and how many fit.
        let tooLong = await #expect(throws: RPCError.self) {
            try await harness.call("analytics.companyReport", ["company_id": "cmp_x", "days": 3_660])
        }
        #expect(tooLong?.status == .resourceExhausted)
        #expect(tooLong?.details?["field"] == "days")
        let fitting = try #require(tooLong?.details?["days_fitting"]?.intValue)
        #expect(tooLong?.message.contains("ask for fewer days (about \(fitting) fit") == true)
        let shorter = try await harness.call("analytics.companyReport", ["company_id": "cmp_x", "days": .int(fitting)])
        #expect(shorter["issues_per_day"]?.arrayValue?.count == Int(fitting))
    }
}
