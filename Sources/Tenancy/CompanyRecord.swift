import MeshProtocol
import MeshStore
import TenantModel

/// One row of `companies`, decoded.
public struct CompanyRecord: Sendable, Hashable {
    public var id: String
    public var name: String
    /// The uppercase prefix of the company's issue keys, for example `TECH` in `TECH-42`.
    public var keyPrefix: String
    public var tier: Tier
    public var status: CompanyStatus
    public var settings: CompanySettings
    public var createdAtMs: Int64
    public var updatedAtMs: Int64
    public var suspendedAtMs: Int64?
    public var reactivateAtMs: Int64?
    public var suspendReason: String?
    public var deletedAtMs: Int64?

    static let columns = """
        id, name, key_prefix, tier, status, settings, created_at_ms, updated_at_ms, suspended_at_ms, \
        reactivate_at_ms, suspend_reason, deleted_at_ms
        """

    /// Reads the company with `id`, deleted or not; nil when there is no such row.
    public static func load(_ id: String, in connection: Connection) throws -> CompanyRecord? {
        guard let row = try connection.queryOne("SELECT \(columns) FROM companies WHERE id = ?", [.text(id)]) else {
            return nil
        }
        return try CompanyRecord(row: row)
    }

    init(
        id: String,
        name: String,
        keyPrefix: String,
        tier: Tier,
        status: CompanyStatus,
        settings: CompanySettings,
        createdAtMs: Int64,
        updatedAtMs: Int64
    ) {
        self.id = id
        self.name = name
        self.keyPrefix = keyPrefix
        self.tier = tier
        self.status = status
        self.settings = settings
        self.createdAtMs = createdAtMs
        self.updatedAtMs = updatedAtMs
    }

    init(row: Row) throws {
        id = try row.requireString("id")
        name = try row.requireString("name")
        keyPrefix = try row.requireString("key_prefix")

        let tierName = try row.requireString("tier")
        guard let tier = Tier(rawValue: tierName) else {
            throw RPCError(.internal, "company \(id) contains an invalid tier '\(tierName)'; repair the companies row")
        }
        self.tier = tier

        let statusName = try row.requireString("status")
        guard let status = CompanyStatus(rawValue: statusName) else {
            throw RPCError(
                .internal, "company \(id) contains an invalid status '\(statusName)'; repair the companies row")
        }
        self.status = status

        settings = try CompanySettings.decodeStored(try row.requireString("settings"), companyID: id)
        createdAtMs = try row.requireInt("created_at_ms")
        updatedAtMs = try row.requireInt("updated_at_ms")
        suspendedAtMs = row.int("suspended_at_ms")
        reactivateAtMs = row.int("reactivate_at_ms")
        suspendReason = row.string("suspend_reason")
        deletedAtMs = row.int("deleted_at_ms")
    }
}
