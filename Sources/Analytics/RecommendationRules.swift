import MeshProtocol
import TenantModel

/// The rules behind a company report's recommendations, as pure functions of figures read from the
/// rollups. Only rules that fire produce a recommendation.
struct RecommendationRules {
    /// Calls on one UTC day, as the gateway last reported them (0 when it reported none).
    struct DayCalls {
        var day: String
        var calls: Int64
    }

    var tier: Tier
    var usage: UsageAgainstLimits
    /// The last `apiWindowDays` UTC days ending today, oldest first.
    var apiCalls: [DayCalls]
    /// Integrations the company's settings enable.
    var integrations: [String]
    /// Open issues without an assignee created more than `staleAfterDays` days ago.
    var staleUnassigned: Int64
    var oldestStaleCreatedAtMs: Int64?

    static let nearLimitPercent: Int64 = 80
    static let apiWindowDays = 7
    static let apiDaysToFire = 3
    static let staleAfterDays: Int64 = 30

    func evaluate() -> [Recommendation] {
        [usersNearLimit(), apiCallsNearLimit(), noIntegration(), issuesNearLimit(), staleUnassignedIssues()]
            .compactMap { $0 }
    }

    func usersNearLimit() -> Recommendation? {
        guard usage.users.reaches(percent: Self.nearLimitPercent), let limit = usage.users.limit else {
            return nil
        }
        return Recommendation(
            rule: "users_near_limit",
            message:
                "\(usage.users.current) of \(limit) users allowed on \(tier.displayName) are taken (invited or active); "
                + "\(upgradeAdvice) or deactivate users who no longer need access.",
            figures: limitFigures(usage.users)
        )
    }

    func issuesNearLimit() -> Recommendation? {
        guard usage.issues.reaches(percent: Self.nearLimitPercent), let limit = usage.issues.limit else {
            return nil
        }
        return Recommendation(
            rule: "issues_near_limit",
            message: "\(usage.issues.current) of \(limit) issues allowed on \(tier.displayName) exist; "
                + "\(upgradeAdvice) or delete issues that are no longer needed.",
            figures: limitFigures(usage.issues)
        )
    }

    /// Fires when calls went over 80% of the daily limit (strictly) on 3 or more of the last 7 days.
    func apiCallsNearLimit() -> Recommendation? {
        guard let limit = tier.maximumAPICallsPerDay.map(Int64.init), limit > 0 else {
            return nil
        }
        let busyDays = apiCalls.filter { $0.calls * 100 > limit * Self.nearLimitPercent }
        guard busyDays.count >= Self.apiDaysToFire else {
            return nil
        }
        return Recommendation(
            rule: "api_calls_near_daily_limit",
            message:
                "API calls went over \(Self.nearLimitPercent)% of the \(limit)-call daily limit on \(busyDays.count) of the "
                + "last \(apiCalls.count) days; \(upgradeAdvice) or spread and batch calls to avoid being rate limited.",
            figures: [
                "days_over": .int(Int64(busyDays.count)),
                "days_considered": .int(Int64(apiCalls.count)),
                "days_to_fire": .int(Int64(Self.apiDaysToFire)),
                "limit": .int(limit),
                "threshold_percent": .int(Self.nearLimitPercent),
                "calls_by_day": .object(
                    Dictionary(uniqueKeysWithValues: apiCalls.map { ($0.day, JSONValue.int($0.calls)) })),
            ]
        )
    }

    /// Integrations that bring no notices to the team: email reaches only the owner, and `sso` sends
    /// nothing at all (it records that the company wants single sign-on).
    static let nonChatIntegrations: Set<String> = [Integration.email.rawValue, Integration.sso.rawValue]

    /// Fires when no integration besides email and `sso` is enabled (or none at all).
    func noIntegration() -> Recommendation? {
        guard integrations.allSatisfy(Self.nonChatIntegrations.contains) else {
            return nil
        }
        let available = tier.allowedIntegrations.map(\.rawValue).filter { !Self.nonChatIntegrations.contains($0) }
            .sorted()
        let advice =
            available.isEmpty
            ? "\(tier.displayName) offers only email; Premium adds Slack-style and generic webhooks"
            : "enable one of \(available.joined(separator: ", ")) in the company settings"
        let enabled: String
        if integrations.contains(Integration.email.rawValue) {
            let others =
                integrations.contains(Integration.sso.rawValue) ? "email and sso (which sends nothing)" : "email"
            enabled = "No integration besides \(others) is enabled"
        } else {
            enabled = "No integration that sends notices is enabled, so the owner gets no notices at all"
        }
        return Recommendation(
            rule: "no_integration",
            message:
                "\(enabled); \(advice) so notices of tier changes, suspensions and usage also reach the team's chat.",
            figures: [
                "enabled": .array(integrations.sorted().map { .string($0) }),
                "available_on_tier": .array(available.map { .string($0) }),
            ]
        )
    }

    func staleUnassignedIssues() -> Recommendation? {
        guard staleUnassigned > 0 else {
            return nil
        }
        var figures: [String: JSONValue] = [
            "count": .int(staleUnassigned),
            "older_than_days": .int(Self.staleAfterDays),
        ]
        if let oldest = oldestStaleCreatedAtMs {
            figures["oldest_created_at_ms"] = .int(oldest)
        }
        return Recommendation(
            rule: "stale_unassigned_issues",
            message: (staleUnassigned == 1
                ? "1 open issue created more than \(Self.staleAfterDays) days ago has no assignee; "
                    + "assign it or close it if it no longer matters."
                : "\(staleUnassigned) open issues created more than \(Self.staleAfterDays) days ago have no assignee; "
                    + "assign them or close the ones that no longer matter."),
            figures: .object(figures)
        )
    }

    private var upgradeAdvice: String {
        guard let next = Tier.allCases.sorted().first(where: { $0 > tier }) else {
            return "ask for a higher limit"
        }
        return "upgrade to \(next.displayName)"
    }

    private func limitFigures(_ usage: LimitUsage) -> JSONValue {
        [
            "current": .int(usage.current),
            "limit": usage.limit.map { .int($0) } ?? .null,
            "percent": usage.percent.map { .double($0) } ?? .null,
            "threshold_percent": .int(Self.nearLimitPercent),
        ]
    }
}
