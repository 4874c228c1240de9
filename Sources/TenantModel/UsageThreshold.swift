import MeshProtocol

/// The shares of a tier limit at which a company's owner is warned, and the event that carries a warning.
///
/// A warning fires when a count rises across a threshold. The seat, issue, custom field or API call that takes usage
/// from under 80% to 80% or more fires the 80% warning. The one that uses the last unit fires the 100%
/// warning. A change that crosses both at once fires only the 100% warning, which covers everything the 80%
/// one would. Usage that falls back and rises again fires again.
public enum UsageThreshold {
    /// The thresholds, in percent of the limit.
    public static let percents: [Int64] = [80, 100]

    /// Returns the highest threshold passed when usage rises from `before` to `after` units of `allowed`,
    /// as a list that is empty when none was passed.
    public static func crossed(from before: Int64, to after: Int64, of allowed: Int64) -> [Int64] {
        guard allowed > 0, after > before else {
            return []
        }
        let passed = percents.filter { percent in
            before * 100 < percent * allowed && after * 100 >= percent * allowed
        }
        return passed.last.map { [$0] } ?? []
    }

    /// Builds the payload of `usage.threshold_reached`.
    ///
    /// - Parameters:
    ///   - limit: `users`, `issues`, `custom_fields` or `api_calls_per_day`, the names `TierLimits` encodes.
    ///   - day: the UTC day (`2026-12-05`) a daily limit counts, nil for the others.
    public static func payload(
        companyID: String,
        limit: String,
        percent: Int64,
        current: Int64,
        allowed: Int64,
        tier: Tier,
        day: String?,
        atMs: Int64
    ) -> JSONValue {
        [
            "company_id": .string(companyID),
            "limit": .string(limit),
            "threshold_percent": .int(percent),
            "current": .int(current),
            "allowed": .int(allowed),
            "tier": .string(tier.rawValue),
            "day": day.map { .string($0) } ?? .null,
            "at_ms": .int(atMs),
        ]
    }
}
