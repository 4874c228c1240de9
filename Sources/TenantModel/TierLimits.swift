import MeshProtocol

/// A tier's limits as methods return them. A nil count is unlimited and goes out as null.
public struct TierLimits: Codable, Sendable, Hashable {
    public var users: Int?
    public var issues: Int?
    public var apiCallsPerDay: Int?
    public var reportingHistoryDays: Int?
    public var customFields: Int?
    public var customStatuses: Bool
    /// Sorted by name.
    public var integrations: [Integration]
    public var teamAnalytics: Bool
    public var advancedAnalytics: Bool
    public var sso: Bool
    public var whiteLabel: Bool

    enum CodingKeys: String, CodingKey {
        case users
        case issues
        case apiCallsPerDay = "api_calls_per_day"
        case reportingHistoryDays = "reporting_history_days"
        case customFields = "custom_fields"
        case customStatuses = "custom_statuses"
        case integrations
        case teamAnalytics = "team_analytics"
        case advancedAnalytics = "advanced_analytics"
        case sso
        case whiteLabel = "white_label"
    }

    public init(_ tier: Tier) {
        users = tier.maximumUsers
        issues = tier.maximumIssues
        apiCallsPerDay = tier.maximumAPICallsPerDay
        reportingHistoryDays = tier.reportingHistoryDays
        customFields = tier.maximumCustomFields
        customStatuses = tier.allowsCustomStatuses
        integrations = tier.allowedIntegrations.sorted { $0.rawValue < $1.rawValue }
        teamAnalytics = tier.hasTeamAnalytics
        advancedAnalytics = tier.hasAdvancedAnalytics
        sso = tier.hasSSO
        whiteLabel = tier.hasWhiteLabel
    }

    /// Writes every member, and an unlimited count as null rather than leaving it out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeOrNull(users, forKey: .users)
        try container.encodeOrNull(issues, forKey: .issues)
        try container.encodeOrNull(apiCallsPerDay, forKey: .apiCallsPerDay)
        try container.encodeOrNull(reportingHistoryDays, forKey: .reportingHistoryDays)
        try container.encodeOrNull(customFields, forKey: .customFields)
        try container.encode(customStatuses, forKey: .customStatuses)
        try container.encode(integrations, forKey: .integrations)
        try container.encode(teamAnalytics, forKey: .teamAnalytics)
        try container.encode(advancedAnalytics, forKey: .advancedAnalytics)
        try container.encode(sso, forKey: .sso)
        try container.encode(whiteLabel, forKey: .whiteLabel)
    }
}
