import MeshProtocol
import MeshStore
import TenantModel

/// company.* events: the companies row, tier history, the owner's user row and the deletion purge.
extension EventIngest {
    /// Creates the company row when a lifecycle event arrives before company.provisioned. The row stays
    /// out of reports and the overview (provisioned = 0) until provisioning fills in its name and tier.
    static func ensureCompany(_ companyID: String, _ connection: Connection) throws {
        try connection.execute(
            "INSERT INTO companies (id, status) VALUES (?, 'active') ON CONFLICT (id) DO NOTHING",
            [.text(companyID)]
        )
    }

    static func applyProvisioned(_ payload: EventPayload, _ companyID: String, _ connection: Connection) throws {
        let name = try payload.requireString("name")
        let tier = try Tier.parse(try payload.requireString("tier"), field: "payload.tier")
        let createdAt = try payload.int("created_at_ms") ?? payload.atMs

        // A second company.provisioned for the same id (a retried publish) changes nothing, not even an owner
        // or tier that differs from the first.
        let known = try connection.queryOne(
            "SELECT 1 FROM companies WHERE id = ? AND provisioned = 1", [.text(companyID)])
        guard known == nil else {
            return
        }

        // Tier and status set by later events that arrived first are kept.
        try connection.execute(
            """
            INSERT INTO companies (id, name, tier, tier_at_ms, status, status_at_ms, created_at_ms, provisioned)
            VALUES (?, ?, ?, ?, 'active', ?, ?, 1)
            ON CONFLICT (id) DO UPDATE SET
                name = COALESCE(companies.name, excluded.name),
                created_at_ms = COALESCE(companies.created_at_ms, excluded.created_at_ms),
                tier = CASE WHEN companies.tier IS NULL OR companies.tier_at_ms IS NULL
                    THEN excluded.tier ELSE companies.tier END,
                tier_at_ms = COALESCE(companies.tier_at_ms, excluded.tier_at_ms),
                status_at_ms = COALESCE(companies.status_at_ms, excluded.status_at_ms),
                provisioned = 1
            """,
            [
                .text(companyID), .text(name), .text(tier.rawValue), .integer(createdAt), .integer(createdAt),
                .integer(createdAt),
            ]
        )

        try addTierHistory(companyID, atMs: createdAt, from: nil, to: tier, eventID: payload.event.eventID, connection)

        if let ownerID = payload.event.payload["owner"]?["user_id"]?.stringValue, !ownerID.isEmpty {
            try upsertUser(
                companyID, ownerID, role: Role.owner.rawValue, status: "invited", atMs: createdAt,
                invitedAtMs: createdAt, connection
            )
            try recordInvitationExpiry(payload, companyID, ownerID, atMs: createdAt, connection)
        }
    }

    static func applyConfigured(_ payload: EventPayload, _ companyID: String, _ connection: Connection) throws {
        guard let settings = payload.event.payload["settings"]?.objectValue else {
            throw payload.invalid("settings", expected: "an object")
        }
        let integrations =
            settings["integrations"]?.arrayValue?.compactMap(\.stringValue) ?? [Integration.email.rawValue]
        let customFields = settings["custom_fields"]?.arrayValue?.count ?? 0
        let atMs = try payload.atMs

        try ensureCompany(companyID, connection)
        try connection.execute(
            """
            UPDATE companies SET integrations = ?, custom_fields = ?, configured_at_ms = ?
            WHERE id = ? AND (configured_at_ms IS NULL OR configured_at_ms <= ?)
            """,
            [
                .text(JSONWriter.string(.array(integrations.sorted().map { .string($0) }))),
                .integer(Int64(customFields)),
                .integer(atMs), .text(companyID), .integer(atMs),
            ]
        )
    }

    static func applyTierChanged(_ payload: EventPayload, _ companyID: String, _ connection: Connection) throws {
        let target = try Tier.parse(try payload.requireString("to_tier"), field: "payload.to_tier")
        let source = try payload.string("from_tier").map { name throws(RPCError) in
            try Tier.parse(name, field: "payload.from_tier")
        }
        let atMs = try payload.atMs

        try ensureCompany(companyID, connection)
        try connection.execute(
            "UPDATE companies SET tier = ?, tier_at_ms = ? WHERE id = ? AND (tier_at_ms IS NULL OR tier_at_ms <= ?)",
            [.text(target.rawValue), .integer(atMs), .text(companyID), .integer(atMs)]
        )
        try addTierHistory(companyID, atMs: atMs, from: source, to: target, eventID: payload.event.eventID, connection)
    }

    static func applySuspended(_ payload: EventPayload, _ companyID: String, _ connection: Connection) throws {
        let atMs = try payload.atMs

        try ensureCompany(companyID, connection)
        // Suspending a suspended company keeps the time of the first suspension.
        try connection.execute(
            """
            UPDATE companies SET
                suspended_at_ms = CASE WHEN status = 'suspended' THEN COALESCE(suspended_at_ms, ?1) ELSE ?1 END,
                status = 'suspended', status_at_ms = ?1, suspension_reason = ?2, reactivate_at_ms = ?3
            WHERE id = ?4 AND (status_at_ms IS NULL OR status_at_ms <= ?1)
            """,
            [
                .integer(atMs), SQLValue(payload.string("reason")), SQLValue(payload.int("reactivate_at_ms")),
                .text(companyID),
            ]
        )
    }

    static func applyReactivated(_ payload: EventPayload, _ companyID: String, _ connection: Connection) throws {
        let atMs = try payload.atMs

        try ensureCompany(companyID, connection)
        try connection.execute(
            """
            UPDATE companies SET status = 'active', status_at_ms = ?1, reactivated_at_ms = ?1, reactivate_at_ms = NULL
            WHERE id = ?2 AND (status_at_ms IS NULL OR status_at_ms <= ?1)
            """,
            [.integer(atMs), .text(companyID)]
        )
    }

    /// Removes every row of the company except its companies row, which stays as a tombstone (no name,
    /// status deleted) so the overview can tell it apart from a company it has never seen.
    static func applyDeleted(_ payload: EventPayload, _ companyID: String, _ connection: Connection) throws {
        let atMs = try payload.atMs

        try ensureCompany(companyID, connection)
        for table in [
            "users", "teams", "team_members", "issues", "resolutions", "daily", "daily_active_users", "api_usage",
            "tier_history",
        ] {
            try connection.execute("DELETE FROM \(table) WHERE company_id = ?", [.text(companyID)])
        }
        try connection.execute(
            "DELETE FROM events WHERE company_id = ? AND event_id != ?",
            [.text(companyID), .text(payload.event.eventID)]
        )
        try connection.execute(
            """
            UPDATE companies SET status = 'deleted', status_at_ms = ?1, deleted_at_ms = ?1, name = NULL,
                suspension_reason = NULL, reactivate_at_ms = NULL
            WHERE id = ?2
            """,
            [.integer(atMs), .text(companyID)]
        )
    }

    static func addTierHistory(
        _ companyID: String,
        atMs: Int64,
        from source: Tier?,
        to target: Tier,
        eventID: String,
        _ connection: Connection
    ) throws {
        try connection.execute(
            """
            INSERT INTO tier_history (company_id, at_ms, from_tier, to_tier, event_id) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """,
            [.text(companyID), .integer(atMs), SQLValue(source?.rawValue), .text(target.rawValue), .text(eventID)]
        )
    }
}
