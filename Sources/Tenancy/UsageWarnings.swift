import MeshStore
import TenantModel

/// Publishes `usage.threshold_reached` when a write takes one more unit of a counted tier limit.
enum UsageWarnings {
    /// Call it inside the write that takes the unit, after the limit check passed with `current` in use,
    /// so the warning commits or rolls back with the unit.
    static func unitTaken(
        _ limit: String,
        company: CompanyRecord,
        current: Int64,
        allowed: Int,
        atMs: Int64,
        in connection: Connection
    ) throws {
        try unitsTaken(
            limit, company: company, from: current, to: current + 1, allowed: allowed, atMs: atMs, in: connection)
    }

    /// Publishes a warning for each threshold that usage crosses from `current` to `next`, inside the
    /// write that takes the units, such as a settings change that adds several custom fields at once.
    static func unitsTaken(
        _ limit: String,
        company: CompanyRecord,
        from current: Int64,
        to next: Int64,
        allowed: Int,
        atMs: Int64,
        in connection: Connection
    ) throws {
        let allowed = Int64(allowed)
        for percent in UsageThreshold.crossed(from: current, to: next, of: allowed) {
            let payload = UsageThreshold.payload(
                companyID: company.id, limit: limit, percent: percent, current: next, allowed: allowed,
                tier: company.tier, day: nil, atMs: atMs
            )
            try connection.publish(EventTopic.usageThresholdReached, payload, atMs: atMs)
        }
    }
}
