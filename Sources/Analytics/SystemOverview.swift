/// The platform operators' view of every tenant, computed from the companies rollup.
///
/// Deleted companies and companies whose provisioning has not reached analytics are left out of every
/// figure.
public struct SystemOverview: Codable, Sendable, Equatable {
    /// Companies per tier, whether active or suspended.
    public struct TierBreakdown: Codable, Sendable, Equatable {
        public var basic: Int
        public var premium: Int
        public var platinum: Int
    }

    public var totalCompanies: Int
    public var activeCompanies: Int
    public var suspendedCompanies: Int
    /// Companies created in the UTC calendar month holding `asOfMs`.
    public var newThisMonth: Int
    public var monthStartMs: Int64
    public var tierBreakdown: TierBreakdown
    /// Sum of the monthly prices of active companies, in US cents.
    public var estimatedMRRCents: Int64
    /// The tier with the most companies; a tie goes to the higher tier; nil when there are none.
    public var mostPopularTier: String?
    public var asOfMs: Int64

    enum CodingKeys: String, CodingKey {
        case totalCompanies = "total_companies"
        case activeCompanies = "active_companies"
        case suspendedCompanies = "suspended_companies"
        case newThisMonth = "new_this_month"
        case monthStartMs = "month_start_ms"
        case tierBreakdown = "tier_breakdown"
        case estimatedMRRCents = "estimated_mrr_cents"
        case mostPopularTier = "most_popular_tier"
        case asOfMs = "as_of_ms"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(totalCompanies, forKey: .totalCompanies)
        try container.encode(activeCompanies, forKey: .activeCompanies)
        try container.encode(suspendedCompanies, forKey: .suspendedCompanies)
        try container.encode(newThisMonth, forKey: .newThisMonth)
        try container.encode(monthStartMs, forKey: .monthStartMs)
        try container.encode(tierBreakdown, forKey: .tierBreakdown)
        try container.encode(estimatedMRRCents, forKey: .estimatedMRRCents)
        try container.encodeOrNull(mostPopularTier, forKey: .mostPopularTier)
        try container.encode(asOfMs, forKey: .asOfMs)
    }
}
