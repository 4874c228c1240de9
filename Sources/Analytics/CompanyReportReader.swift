import MeshProtocol
import MeshStore
import TenantModel

/// Reads one company's report from the rollups inside a single read transaction.
struct CompanyReportReader {
    let connection: Connection
    let companyID: String
    let nowMs: Int64

    /// Builds the NOT_FOUND for a company without a report. A deleted company is gone for good; one whose
    /// provisioning event has not arrived yet will have a report within about a second.
    private func missingCompany() throws -> RPCError {
        let deleted = try connection.scalarInt(
            "SELECT count(*) FROM companies WHERE id = ? AND status = 'deleted'", [.text(companyID)])
        guard deleted == 0 else {
            return RPCError.notFound("company", companyID)
        }
        return RPCError(
            .notFound,
            "analytics has no record of company '\(companyID.clipped)' yet; its events arrive within about a second of "
                + "provisioning, so retry shortly, and check the id if it persists",
            details: ["kind": "company", "company_id": .string(companyID.clipped)],
            retryAfterMs: 1_000,
            retryable: true
        )
    }

    /// Reads the company row, or throws NOT_FOUND when there is no provisioned, undeleted company of that id.
    func company() throws -> (profile: CompanyProfile, tier: Tier, customFields: Int64) {
        guard
            let row = try connection.queryOne(
                """
                SELECT name, tier, status, created_at_ms, integrations, custom_fields FROM companies
                WHERE id = ? AND provisioned = 1 AND status != 'deleted'
                """,
                [.text(companyID)]
            ),
            let name = row.string("name"), let tierName = row.string("tier"), let tier = Tier(rawValue: tierName)
        else {
            throw try missingCompany()
        }

        let created = row.int("created_at_ms") ?? nowMs
        let integrations =
            (row.string("integrations").flatMap { try? JSONParser.parse($0) })?
            .arrayValue?.compactMap(\.stringValue) ?? []
        let profile = CompanyProfile(
            companyID: companyID,
            name: name,
            tier: tier.rawValue,
            status: row.string("status") ?? "active",
            createdAtMs: created,
            daysActive: max(0, (nowMs - created) / UTCCalendar.dayMs),
            integrations: integrations
        )
        return (profile, tier, row.int("custom_fields") ?? 0)
    }

    /// Reads the daily rollup for each day of `days`, with zeros for days without a row.
    func daily(_ days: ClosedRange<Int64>) throws -> (days: [DayActivity], resolutionMsSum: Int64) {
        let rows = try connection.query(
            """
            SELECT day, issues_created, issues_resolved, resolution_ms_sum, active_users FROM daily
            WHERE company_id = ? AND day >= ? AND day <= ?
            """,
            [
                .text(companyID), .text(UTCCalendar.dayString(dayNumber: days.lowerBound)),
                .text(UTCCalendar.dayString(dayNumber: days.upperBound)),
            ]
        )
        var byDay: [String: Row] = [:]
        var sum: Int64 = 0
        for row in rows {
            if let day = row.string("day") {
                byDay[day] = row
            }
            sum += row.int("resolution_ms_sum") ?? 0
        }

        let activity = days.map { number in
            let day = UTCCalendar.dayString(dayNumber: number)
            let row = byDay[day]
            return DayActivity(
                day: day,
                issuesCreated: row?.int("issues_created") ?? 0,
                issuesResolved: row?.int("issues_resolved") ?? 0,
                activeUsers: row?.int("active_users") ?? 0
            )
        }
        return (activity, sum)
    }

    /// Durations of the resolutions inside the window whose creation time is known, ascending.
    func resolutionDurations(_ window: ReportWindow) throws -> [Int64] {
        try connection.query(
            """
            SELECT resolution_ms FROM resolutions
            WHERE company_id = ? AND resolved_at_ms >= ? AND resolved_at_ms < ? AND resolution_ms IS NOT NULL
            ORDER BY resolution_ms
            """,
            [.text(companyID), .integer(window.fromMs), .integer(window.toMs)]
        ).compactMap { $0.int("resolution_ms") }
    }

    /// Users counted against the tier limit (active, or invited with an invitation not yet expired),
    /// and the active ones alone.
    func userCounts() throws -> (counted: Int64, active: Int64) {
        let row = try connection.queryOne(
            """
            SELECT SUM(
                       CASE WHEN status = 'active' THEN 1
                            WHEN status = 'invited' AND (invitation_expires_at_ms IS NULL OR invitation_expires_at_ms > ?)
                                THEN 1
                            ELSE 0 END
                   ) AS counted,
                   SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END) AS active
            FROM users WHERE company_id = ?
            """,
            [.integer(nowMs), .text(companyID)]
        )
        return (row?.int("counted") ?? 0, row?.int("active") ?? 0)
    }

    func apiCalls(day: String) throws -> Int64 {
        try connection.scalarInt(
            "SELECT calls FROM api_usage WHERE company_id = ? AND day = ?",
            [.text(companyID), .text(day)]
        ) ?? 0
    }

    /// Calls per day over `days`, zeros for days the gateway did not report.
    func apiCalls(_ days: ClosedRange<Int64>) throws -> [RecommendationRules.DayCalls] {
        let rows = try connection.query(
            "SELECT day, calls FROM api_usage WHERE company_id = ? AND day >= ? AND day <= ?",
            [
                .text(companyID), .text(UTCCalendar.dayString(dayNumber: days.lowerBound)),
                .text(UTCCalendar.dayString(dayNumber: days.upperBound)),
            ]
        )
        var byDay: [String: Int64] = [:]
        for row in rows {
            if let day = row.string("day") {
                byDay[day] = row.int("calls") ?? 0
            }
        }
        return days.map { number in
            let day = UTCCalendar.dayString(dayNumber: number)
            return RecommendationRules.DayCalls(day: day, calls: byDay[day] ?? 0)
        }
    }

    func distribution() throws -> IssueDistribution {
        var result = IssueDistribution(total: 0, open: 0, byType: [:], byPriority: [:], byStatus: [:])
        let totals = try connection.queryOne(
            """
            SELECT COUNT(*) AS total, SUM(CASE WHEN resolved_at_ms IS NULL THEN 1 ELSE 0 END) AS open
            FROM issues WHERE company_id = ? AND deleted = 0
            """,
            [.text(companyID)]
        )
        result.total = totals?.int("total") ?? 0
        result.open = totals?.int("open") ?? 0

        // The column names are fixed strings of this file, never input.
        let groupings: [(String, WritableKeyPath<IssueDistribution, [String: Int64]>)] = [
            ("type", \.byType), ("priority", \.byPriority), ("status", \.byStatus),
        ]
        for (column, keyPath) in groupings {
            let rows = try connection.query(
                "SELECT COALESCE(\(column), 'unknown') AS value, COUNT(*) AS n FROM issues WHERE company_id = ? AND deleted = 0 GROUP BY 1",
                [.text(companyID)]
            )
            for row in rows {
                if let value = row.string("value") {
                    result[keyPath: keyPath][value, default: 0] += row.int("n") ?? 0
                }
            }
        }
        return result
    }

    /// Returns up to `limit` teams in name order (ignoring ASCII letter case, as `teams.list` does),
    /// after the team `afterTeamID` when given, and the cursor of the next page when more teams follow.
    ///
    /// - Throws: INVALID_ARGUMENT when `afterTeamID` is not a team of the company.
    func teams(_ window: ReportWindow, limit: Int, afterTeamID: String?) throws -> (
        teams: [TeamFigures], nextCursor: String?
    ) {
        var after: (name: String, id: String) = ("", "")
        if let afterTeamID {
            guard
                let row = try connection.queryOne(
                    "SELECT COALESCE(name, '') AS name FROM teams WHERE company_id = ? AND team_id = ?",
                    [.text(companyID), .text(afterTeamID)])
            else {
                throw RPCError.invalidArgument(
                    field: "teams_cursor",
                    "teams_cursor '\(afterTeamID.clipped(to: 40))' is not one analytics.companyReport returned for this "
                        + "company; pass teams_next_cursor from the previous report unchanged, or omit it for the first teams"
                )
            }
            after = (row.string("name") ?? "", afterTeamID)
        }

        // The issue count names its index: without table statistics the planner scans every issue of the
        // company once per team, which takes seconds for thousands of teams.
        let rows = try connection.query(
            """
            SELECT t.team_id, t.name,
                (SELECT COUNT(*) FROM team_members m WHERE m.company_id = t.company_id AND m.team_id = t.team_id) AS members,
                (SELECT COUNT(*) FROM issues i INDEXED BY issues_by_team WHERE i.company_id = t.company_id
                    AND i.team_id = t.team_id AND i.deleted = 0 AND i.resolved_at_ms IS NULL) AS open_issues,
                (SELECT COUNT(*) FROM resolutions r WHERE r.company_id = t.company_id AND r.team_id = t.team_id
                    AND r.resolved_at_ms >= ?1 AND r.resolved_at_ms < ?2) AS resolved,
                (SELECT COUNT(r.resolution_ms) FROM resolutions r WHERE r.company_id = t.company_id AND r.team_id = t.team_id
                    AND r.resolved_at_ms >= ?1 AND r.resolved_at_ms < ?2) AS timed,
                (SELECT SUM(r.resolution_ms) FROM resolutions r WHERE r.company_id = t.company_id AND r.team_id = t.team_id
                    AND r.resolved_at_ms >= ?1 AND r.resolved_at_ms < ?2) AS resolution_ms_sum
            FROM teams t
            WHERE t.company_id = ?3 AND (
                ?4 IS NULL OR COALESCE(t.name, '') > ?5 COLLATE NOCASE
                OR (COALESCE(t.name, '') = ?5 COLLATE NOCASE AND t.team_id > ?4))
            ORDER BY COALESCE(t.name, '') COLLATE NOCASE, t.team_id
            LIMIT ?6
            """,
            [
                .integer(window.fromMs), .integer(window.toMs), .text(companyID),
                afterTeamID.map { .text($0) } ?? .null, .text(after.name), .integer(Int64(limit + 1)),
            ]
        )
        // One row past the page shows whether another page follows.
        let figures = rows.prefix(limit).compactMap { row -> TeamFigures? in
            guard let teamID = row.string("team_id") else {
                return nil
            }
            let timed = row.int("timed") ?? 0
            return TeamFigures(
                teamID: teamID,
                name: row.string("name"),
                members: row.int("members") ?? 0,
                openIssues: row.int("open_issues") ?? 0,
                resolvedInWindow: row.int("resolved") ?? 0,
                meanResolutionMs: timed > 0 ? (row.int("resolution_ms_sum") ?? 0) / timed : nil
            )
        }
        return (figures, rows.count > limit ? figures.last?.teamID : nil)
    }

    /// Open, unassigned issues created before `olderThanMs`: how many, and the oldest creation time.
    func staleUnassigned(olderThanMs: Int64) throws -> (count: Int64, oldest: Int64?) {
        let row = try connection.queryOne(
            """
            SELECT COUNT(*) AS n, MIN(created_at_ms) AS oldest FROM issues
            WHERE company_id = ? AND deleted = 0 AND resolved_at_ms IS NULL AND assignee_id IS NULL
              AND created_at_ms IS NOT NULL AND created_at_ms < ?
            """,
            [.text(companyID), .integer(olderThanMs)]
        )
        return (row?.int("n") ?? 0, row?.int("oldest"))
    }

    func liveIssueCount() throws -> Int64 {
        try connection.scalarInt("SELECT COUNT(*) FROM issues WHERE company_id = ? AND deleted = 0", [.text(companyID)])
            ?? 0
    }

    /// Issues created and resolved over `days`, summed from the daily rollup.
    func totals(_ days: ClosedRange<Int64>) throws -> (created: Int64, resolved: Int64) {
        let row = try connection.queryOne(
            """
            SELECT COALESCE(SUM(issues_created), 0) AS created, COALESCE(SUM(issues_resolved), 0) AS resolved
            FROM daily WHERE company_id = ? AND day >= ? AND day <= ?
            """,
            [
                .text(companyID), .text(UTCCalendar.dayString(dayNumber: days.lowerBound)),
                .text(UTCCalendar.dayString(dayNumber: days.upperBound)),
            ]
        )
        return (row?.int("created") ?? 0, row?.int("resolved") ?? 0)
    }
}
