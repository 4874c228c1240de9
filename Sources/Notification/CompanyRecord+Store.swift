import MeshRuntime
import MeshStore
import TenantModel

extension CompanyRecord {
    static func load(_ companyID: String, in connection: Connection) throws -> CompanyRecord? {
        guard let row = try connection.queryOne("SELECT * FROM companies WHERE company_id = ?", [.text(companyID)])
        else {
            return nil
        }
        return try CompanyRecord(row: row)
    }

    /// Inserts the company, or overwrites every column of its existing row.
    func save(in connection: Connection) throws {
        try connection.execute(
            """
            INSERT INTO companies (company_id, name, tier, status, owner_user_id, owner_email, owner_name,
                email_enabled, webhook_integration, webhook_url, webhook_problem, branding_name, branding_footer,
                created_at_ms, updated_at_ms, deleted_at_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (company_id) DO UPDATE SET
                name = excluded.name, tier = excluded.tier, status = excluded.status,
                owner_user_id = excluded.owner_user_id, owner_email = excluded.owner_email,
                owner_name = excluded.owner_name, email_enabled = excluded.email_enabled,
                webhook_integration = excluded.webhook_integration, webhook_url = excluded.webhook_url,
                webhook_problem = excluded.webhook_problem, branding_name = excluded.branding_name,
                branding_footer = excluded.branding_footer, updated_at_ms = excluded.updated_at_ms,
                deleted_at_ms = excluded.deleted_at_ms
            """,
            [
                .text(companyID), .text(name), .text(tier.rawValue), .text(status.rawValue), .text(ownerUserID),
                .text(ownerEmail), .text(ownerName), SQLValue(emailEnabled), SQLValue(webhookIntegration?.rawValue),
                SQLValue(webhookURL), SQLValue(webhookProblem), SQLValue(branding?.displayName),
                SQLValue(branding?.footer), .integer(createdAtMs), .integer(updatedAtMs),
                SQLValue(deletedAtMs),
            ]
        )
    }

    init(row: Row) throws {
        let tierName = try row.requireString("tier")
        let statusName = try row.requireString("status")
        guard let tier = Tier(rawValue: tierName), let status = Status(rawValue: statusName) else {
            throw RuntimeFailure(
                "companies row \(row.string("company_id") ?? "?") contains tier '\(tierName)' and status '\(statusName)', "
                    + "which this version does not know; check the schema migrations"
            )
        }
        companyID = try row.requireString("company_id")
        name = try row.requireString("name")
        self.tier = tier
        self.status = status
        ownerUserID = try row.requireString("owner_user_id")
        ownerEmail = try row.requireString("owner_email")
        ownerName = try row.requireString("owner_name")
        emailEnabled = row.bool("email_enabled") ?? true
        webhookIntegration = row.string("webhook_integration").flatMap(Integration.init(rawValue:))
        webhookURL = row.string("webhook_url")
        webhookProblem = row.string("webhook_problem")
        branding = row.string("branding_name").map {
            CompanyBranding(displayName: $0, footer: row.string("branding_footer"))
        }
        createdAtMs = try row.requireInt("created_at_ms")
        updatedAtMs = try row.requireInt("updated_at_ms")
        deletedAtMs = row.int("deleted_at_ms")
    }
}
