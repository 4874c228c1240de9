/// A count per tier, with every tier present (zero when none).
public struct TierCounts: Codable, Sendable, Equatable {
    public let basic: Int64
    public let premium: Int64
    public let platinum: Int64
}
