/// One company's analytics, computed from the rollups as of `as_of_ms`.
public struct CompanyReport: Codable, Sendable, Equatable {
    public var profile: CompanyProfile
    public var window: ReportWindow
    public var usage: UsageAgainstLimits
    /// One entry per day of the window, oldest first, days without activity included as zeros.
    public var issuesPerDay: [DayActivity]
    /// The window's days grouped by ISO week. Nil on tiers without advanced analytics, with
    /// `issues_per_week_note` saying why.
    public var issuesPerWeek: [WeekActivity]?
    public var issuesPerWeekNote: String?
    public var resolutionTime: ResolutionStats
    public var distribution: IssueDistribution
    /// Per-team figures; nil on tiers without team analytics, with `teams_note` saying why.
    public var teams: [TeamFigures]?
    /// The cursor that lists the teams after `teams` when passed as `teams_cursor`; absent after the last team.
    public var teamsNextCursor: String?
    public var teamsNote: String?
    /// Users whose status is active (invitation accepted, not deactivated).
    public var activeUsers: Int64
    /// Month-over-month trends. Nil on tiers without advanced analytics, with `trends_note` saying why.
    public var trends: Trends?
    public var trendsNote: String?
    public var recommendations: [Recommendation]
    public var asOfMs: Int64

    enum CodingKeys: String, CodingKey {
        case profile
        case window
        case usage
        case issuesPerDay = "issues_per_day"
        case issuesPerWeek = "issues_per_week"
        case issuesPerWeekNote = "issues_per_week_note"
        case resolutionTime = "resolution_time"
        case distribution
        case teams
        case teamsNextCursor = "teams_next_cursor"
        case teamsNote = "teams_note"
        case activeUsers = "active_users"
        case trends
        case trendsNote = "trends_note"
        case recommendations
        case asOfMs = "as_of_ms"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(profile, forKey: .profile)
        try container.encode(window, forKey: .window)
        try container.encode(usage, forKey: .usage)
        try container.encode(issuesPerDay, forKey: .issuesPerDay)
        try container.encodeOrNull(issuesPerWeek, forKey: .issuesPerWeek)
        try container.encodeOrNull(issuesPerWeekNote, forKey: .issuesPerWeekNote)
        try container.encode(resolutionTime, forKey: .resolutionTime)
        try container.encode(distribution, forKey: .distribution)
        try container.encodeOrNull(teams, forKey: .teams)
        try container.encodeIfPresent(teamsNextCursor, forKey: .teamsNextCursor)
        try container.encodeOrNull(teamsNote, forKey: .teamsNote)
        try container.encode(activeUsers, forKey: .activeUsers)
        try container.encodeOrNull(trends, forKey: .trends)
        try container.encodeOrNull(trendsNote, forKey: .trendsNote)
        try container.encode(recommendations, forKey: .recommendations)
        try container.encode(asOfMs, forKey: .asOfMs)
    }
}
