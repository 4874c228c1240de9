/// One quantity measured against its tier limit.
public struct LimitUsage: Codable, Sendable, Equatable {
    public var current: Int64
    /// Nil when the tier has no limit.
    public var limit: Int64?
    /// `current` as a percentage of `limit`, rounded to one decimal; nil when there is no limit.
    public var percent: Double?

    public init(current: Int64, limit: Int?) {
        self.current = current
        self.limit = limit.map(Int64.init)
        self.percent = limit.flatMap { $0 > 0 ? ((Double(current) * 1000 / Double($0)).rounded() / 10) : nil }
    }

    /// Returns whether `current` has reached `percent` of the limit, and false when there is no limit.
    func reaches(percent threshold: Int64) -> Bool {
        guard let limit, limit > 0 else {
            return false
        }
        return current * 100 >= limit * threshold
    }

    enum CodingKeys: String, CodingKey {
        case current
        case limit
        case percent
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(current, forKey: .current)
        try container.encodeOrNull(limit, forKey: .limit)
        try container.encodeOrNull(percent, forKey: .percent)
    }
}

/// A company's current usage against its tier's limits.
public struct UsageAgainstLimits: Codable, Sendable, Equatable {
    /// Invited and active users.
    public var users: LimitUsage
    /// Issues that are not deleted.
    public var issues: LimitUsage
    public var customFields: LimitUsage
    /// The gateway's count for the current UTC day.
    public var apiCallsToday: LimitUsage

    enum CodingKeys: String, CodingKey {
        case users
        case issues
        case customFields = "custom_fields"
        case apiCallsToday = "api_calls_today"
    }
}
