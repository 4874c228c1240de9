import MeshProtocol
import MeshStore
import TenantModel

extension CompanyReport {
    /// Builds the report of `companyID` as of `nowMs` (the mesh clock) over `requestedDays` days, as the
    /// company's current tier may see it (see `limited(to:)`).
    static func load(_ connection: Connection, params: CompanyReportParams, nowMs: Int64) throws -> CompanyReport {
        let companyID = params.companyID
        let requestedDays = params.days
        let reader = CompanyReportReader(connection: connection, companyID: companyID, nowMs: nowMs)
        let (profile, tier, customFields) = try reader.company()
        let teamsLimit = try params.validTeamsLimit(pagesTeams: tier.hasTeamAnalytics)
        let window = try ReportWindow.resolve(requested: requestedDays, tier: tier, nowMs: nowMs)
        let today = UTCCalendar.dayNumber(nowMs)

        let (days, resolutionMsSum) = try reader.daily(window.dayNumbers)
        let resolved = days.reduce(0) { $0 + $1.issuesResolved }
        let resolutionTime = ResolutionStats.compute(
            sortedDurations: try reader.resolutionDurations(window), sumMs: resolutionMsSum, resolved: resolved
        )

        let users = try reader.userCounts()
        let usage = UsageAgainstLimits(
            users: LimitUsage(current: users.counted, limit: tier.maximumUsers),
            issues: LimitUsage(current: try reader.liveIssueCount(), limit: tier.maximumIssues),
            customFields: LimitUsage(current: customFields, limit: tier.maximumCustomFields),
            apiCallsToday: LimitUsage(
                current: try reader.apiCalls(day: UTCCalendar.dayString(dayNumber: today)),
                limit: tier.maximumAPICallsPerDay
            )
        )

        let period = Trends.periodDays
        let currentDays = (today - period + 1)...today
        let previousDays = (today - 2 * period + 1)...(today - period)
        let current = try reader.totals(currentDays)
        let previous = try reader.totals(previousDays)
        let trends = Trends(
            currentFromDay: UTCCalendar.dayString(dayNumber: currentDays.lowerBound),
            currentToDay: UTCCalendar.dayString(dayNumber: currentDays.upperBound),
            previousFromDay: UTCCalendar.dayString(dayNumber: previousDays.lowerBound),
            previousToDay: UTCCalendar.dayString(dayNumber: previousDays.upperBound),
            issuesCreated: Trend(current: current.created, previous: previous.created),
            issuesResolved: Trend(current: current.resolved, previous: previous.resolved)
        )

        let apiDays = (today - Int64(RecommendationRules.apiWindowDays) + 1)...today
        let stale = try reader.staleUnassigned(
            olderThanMs: nowMs - RecommendationRules.staleAfterDays * UTCCalendar.dayMs)
        let rules = RecommendationRules(
            tier: tier,
            usage: usage,
            apiCalls: try reader.apiCalls(apiDays),
            integrations: profile.integrations,
            staleUnassigned: stale.count,
            oldestStaleCreatedAtMs: stale.oldest
        )
        if !tier.hasTeamAnalytics, params.teamsCursor != nil {
            throw RPCError.invalidArgument(
                field: "teams_cursor",
                "the \(tier.displayName) tier's report has no teams, so teams_cursor does not apply; leave it out")
        }
        let teams =
            tier.hasTeamAnalytics
            ? try reader.teams(window, limit: teamsLimit, afterTeamID: params.teamsCursor) : nil

        return try CompanyReport(
            profile: profile,
            window: window,
            usage: usage,
            issuesPerDay: days,
            issuesPerWeek: WeekActivity.group(days),
            resolutionTime: resolutionTime,
            distribution: try reader.distribution(),
            teams: teams?.teams,
            teamsNextCursor: teams?.nextCursor,
            teamsNote: tier.hasTeamAnalytics ? nil : teamsNote,
            activeUsers: users.active,
            trends: trends,
            recommendations: rules.evaluate(),
            asOfMs: nowMs
        ).limited(to: tier).fitted(toBytes: connection.maximumEventPayloadBytes)
    }
}
