import MeshProtocol
import MeshStore
import TenantModel

extension SubscriptionRecord {
    static let columns = """
        id, company_id, key_prefix, tier, price_cents, status, started_at_ms, current_period_index,
        current_period_start_ms, current_period_end_ms, rate_cents, period_rate_cents, period_tier,
        canceled_at_ms, created_at_ms, updated_at_ms
        """

    static func load(companyID: String, _ connection: Connection) throws -> SubscriptionRecord? {
        try connection.queryOne("SELECT \(columns) FROM subscriptions WHERE company_id = ?", [.text(companyID)])
            .map(SubscriptionRecord.init(row:))
    }

    init(row: Row) throws {
        let tierName = try row.requireString("tier")
        let periodTierName = try row.requireString("period_tier")
        let statusName = try row.requireString("status")
        guard let tier = Tier(rawValue: tierName), let periodTier = Tier(rawValue: periodTierName),
            let status = SubscriptionStatus(rawValue: statusName)
        else {
            throw RPCError(
                .internal,
                "the stored subscription \(row.string("id") ?? "?") has an unknown tier or status (\(tierName), \(periodTierName), \(statusName)); fix the row or restore the billing database from a backup"
            )
        }

        self.init(
            id: try row.requireString("id"),
            companyID: try row.requireString("company_id"),
            keyPrefix: row.string("key_prefix"),
            tier: tier,
            priceCents: try row.requireInt("price_cents"),
            status: status,
            startedAtMs: try row.requireInt("started_at_ms"),
            periodIndex: Int(try row.requireInt("current_period_index")),
            periodStartMs: try row.requireInt("current_period_start_ms"),
            periodEndMs: try row.requireInt("current_period_end_ms"),
            rateCents: try row.requireInt("rate_cents"),
            periodRateCents: try row.requireInt("period_rate_cents"),
            periodTier: periodTier,
            canceledAtMs: row.int("canceled_at_ms"),
            createdAtMs: try row.requireInt("created_at_ms"),
            updatedAtMs: try row.requireInt("updated_at_ms")
        )
    }

    /// Inserts the subscription unless the company already has one; returns whether it was inserted.
    func insertIfAbsent(_ connection: Connection) throws -> Bool {
        try connection.execute(
            """
            INSERT INTO subscriptions (
                id, company_id, key_prefix, tier, price_cents, currency, status, started_at_ms, anchor_day,
                current_period_index, current_period_start_ms, current_period_end_ms, rate_cents,
                period_rate_cents, period_tier, canceled_at_ms, created_at_ms, updated_at_ms
            ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (company_id) DO NOTHING
            """,
            [
                .text(id), .text(companyID), SQLValue(keyPrefix), .text(tier.rawValue), .integer(priceCents),
                .text(Self.currency), .text(status.rawValue), .integer(startedAtMs), SQLValue(anchorDay),
                SQLValue(periodIndex), .integer(periodStartMs), .integer(periodEndMs), .integer(rateCents),
                .integer(periodRateCents), .text(periodTier.rawValue), SQLValue(canceledAtMs),
                .integer(createdAtMs), .integer(updatedAtMs),
            ]
        )
        return connection.changes == 1
    }

    /// Writes every field that can change after creation.
    func save(_ connection: Connection) throws {
        try connection.execute(
            """
            UPDATE subscriptions SET tier = ?, price_cents = ?, status = ?, current_period_index = ?,
                current_period_start_ms = ?, current_period_end_ms = ?, rate_cents = ?, period_rate_cents = ?,
                period_tier = ?, canceled_at_ms = ?, updated_at_ms = ?
            WHERE id = ?
            """,
            [
                .text(tier.rawValue), .integer(priceCents), .text(status.rawValue), SQLValue(periodIndex),
                .integer(periodStartMs), .integer(periodEndMs), .integer(rateCents), .integer(periodRateCents),
                .text(periodTier.rawValue), SQLValue(canceledAtMs), .integer(updatedAtMs), .text(id),
            ]
        )
    }
}
