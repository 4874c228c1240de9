/// One company's analytics, computed from the rollups as of `as_of_ms`.
public struct CompanyReport: Codable, Sendable, Equatable {
    public var profile: CompanyProfile
    public var window: ReportWindow
    public var usage: UsageAgainstLimits
    /// One entry per day of the window, oldest first, days without activity included as zeros.
    public var issuesPerDay: [DayActivity]
    /// The window's days grouped by ISO week.
    public var issuesPerWeek: [WeekActivity]
    public var resolutionTime: ResolutionStats
    public var distribution: IssueDistribution
    /// Per-team figures; nil on tiers without team analytics, with `teams_note` saying why.
    public var teams: [TeamFigures]?
    public var teamsNote: String?
    /// Users whose status is active (invitation accepted, not deactivated).
    public var activeUsers: Int64
    public var trends: Trends
    public var recommendations: [Recommendation]
    public var asOfMs: Int64

    enum CodingKeys: String, CodingKey {
        case profile
        case window
        case usage
        case issuesPerDay = "issues_per_day"
        case issuesPerWeek = "issues_per_week"
        case resolutionTime = "resolution_time"
        case distribution
        case teams
        case teamsNote = "teams_note"
        case activeUsers = "active_users"
        case trends
        case recommendations
        case asOfMs = "as_of_ms"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(profile, forKey: .profile)
        try container.encode(window, forKey: .window)
        try container.encode(usage, forKey: .usage)
        try container.encode(issuesPerDay, forKey: .issuesPerDay)
        try container.encode(issuesPerWeek, forKey: .issuesPerWeek)
        try container.encode(resolutionTime, forKey: .resolutionTime)
        try container.encode(distribution, forKey: .distribution)
        try container.encodeOrNull(teams, forKey: .teams)
        try container.encodeOrNull(teamsNote, forKey: .teamsNote)
        try container.encode(activeUsers, forKey: .activeUsers)
        try container.encode(trends, forKey: .trends)
        try container.encode(recommendations, forKey: .recommendations)
        try container.encode(asOfMs, forKey: .asOfMs)
    }
}
