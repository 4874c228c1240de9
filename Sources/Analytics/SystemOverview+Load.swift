import MeshStore
import TenantModel

extension SystemOverview {
    /// Reads the overview from the companies rollup as of `nowMs` (the mesh clock).
    static func load(_ connection: Connection, nowMs: Int64) throws -> SystemOverview {
        let monthStart = UTCCalendar.startOfMonth(nowMs)
        let nextMonth = UTCCalendar.startOfNextMonth(nowMs)
        let rows = try connection.query(
            """
            SELECT tier, status, COUNT(*) AS companies,
                   SUM(CASE WHEN created_at_ms >= ? AND created_at_ms < ? THEN 1 ELSE 0 END) AS new_this_month
            FROM companies
            WHERE provisioned = 1 AND status != 'deleted' AND tier IS NOT NULL
            GROUP BY tier, status
            """,
            [.integer(monthStart), .integer(nextMonth)]
        )

        var perTier: [Tier: Int] = [:]
        var overview = SystemOverview(
            totalCompanies: 0, activeCompanies: 0, suspendedCompanies: 0, newThisMonth: 0, monthStartMs: monthStart,
            tierBreakdown: TierBreakdown(basic: 0, premium: 0, platinum: 0), estimatedMRRCents: 0,
            mostPopularTier: nil, asOfMs: nowMs
        )
        for row in rows {
            guard let tierName = row.string("tier"), let tier = Tier(rawValue: tierName) else {
                continue
            }
            let count = Int(row.int("companies") ?? 0)
            overview.totalCompanies += count
            overview.newThisMonth += Int(row.int("new_this_month") ?? 0)
            perTier[tier, default: 0] += count
            switch row.string("status") {
            case "active":
                overview.activeCompanies += count
                overview.estimatedMRRCents += Int64(count) * tier.priceCents
            case "suspended":
                overview.suspendedCompanies += count
            default:
                break
            }
        }

        overview.tierBreakdown = TierBreakdown(
            basic: perTier[.basic] ?? 0, premium: perTier[.premium] ?? 0, platinum: perTier[.platinum] ?? 0
        )
        overview.mostPopularTier = mostPopular(perTier)?.rawValue
        return overview
    }

    /// Returns the tier with the most companies, or nil when no tier has a company. A tie goes to the
    /// higher tier, because it brings more revenue per company.
    static func mostPopular(_ perTier: [Tier: Int]) -> Tier? {
        var best: Tier?
        for tier in Tier.allCases.sorted(by: >) {
            let count = perTier[tier] ?? 0
            if count > 0, count > (best.flatMap { perTier[$0] } ?? 0) {
                best = tier
            }
        }
        return best
    }
}
