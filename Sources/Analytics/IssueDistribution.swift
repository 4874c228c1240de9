/// Counts of a company's issues that are not deleted, by type, priority and status.
///
/// Resolved issues are included, so `by_status` shows the whole workflow. `open` counts the ones not
/// resolved. Issues whose type, priority or status never reached analytics count under "unknown".
public struct IssueDistribution: Codable, Sendable, Equatable {
    public var total: Int64
    public var open: Int64
    public var byType: [String: Int64]
    public var byPriority: [String: Int64]
    public var byStatus: [String: Int64]

    enum CodingKeys: String, CodingKey {
        case total
        case open
        case byType = "by_type"
        case byPriority = "by_priority"
        case byStatus = "by_status"
    }
}

/// One team's figures, reported on tiers with team analytics.
public struct TeamFigures: Codable, Sendable, Equatable {
    public var teamID: String
    public var name: String?
    public var members: Int64
    /// Issues of the team that are neither resolved nor deleted.
    public var openIssues: Int64
    /// Resolutions in the report window credited to the team (the team the issue had when resolved).
    public var resolvedInWindow: Int64
    /// Mean of those resolutions' durations; nil when none has a known duration.
    public var meanResolutionMs: Int64?

    enum CodingKeys: String, CodingKey {
        case teamID = "team_id"
        case name
        case members
        case openIssues = "open_issues"
        case resolvedInWindow = "resolved_in_window"
        case meanResolutionMs = "mean_resolution_ms"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(teamID, forKey: .teamID)
        try container.encodeOrNull(name, forKey: .name)
        try container.encode(members, forKey: .members)
        try container.encode(openIssues, forKey: .openIssues)
        try container.encode(resolvedInWindow, forKey: .resolvedInWindow)
        try container.encodeOrNull(meanResolutionMs, forKey: .meanResolutionMs)
    }
}
