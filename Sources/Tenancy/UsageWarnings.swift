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
        let allowed = Int64(allowed)
        for percent in UsageThreshold.crossed(from: current, to: current + 1, of: allowed) {
            let payload = UsageThreshold.payload(
                companyID: company.id, limit: limit, percent: percent, current: current + 1, allowed: allowed,
                tier: company.tier, day: nil, atMs: atMs
            )
            try connection.publish(EventTopic.usageThresholdReached, payload, atMs: atMs)
        }
    }
}
