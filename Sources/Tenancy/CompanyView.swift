import MeshProtocol
import MeshStore
import TenantModel

/// A company as methods return it: its record, its tier's limits and what it uses of them.
struct CompanyView: Codable, Sendable, Hashable {
    var companyID: String
    var name: String
    var keyPrefix: String
    var tier: Tier
    var status: CompanyStatus
    var settings: CompanySettings
    var createdAtMs: Int64
    var updatedAtMs: Int64
    var suspendedAtMs: Int64?
    var reactivateAtMs: Int64?
    var suspendReason: String?
    var deletedAtMs: Int64?
    var limits: TierLimits
    var usage: CompanyUsage

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case name
        case keyPrefix = "key_prefix"
        case tier
        case status
        case settings
        case createdAtMs = "created_at_ms"
        case updatedAtMs = "updated_at_ms"
        case suspendedAtMs = "suspended_at_ms"
        case reactivateAtMs = "reactivate_at_ms"
        case suspendReason = "suspend_reason"
        case deletedAtMs = "deleted_at_ms"
        case limits
        case usage
    }

    init(_ company: CompanyRecord, usage: CompanyUsage) {
        companyID = company.id
        name = company.name
        keyPrefix = company.keyPrefix
        tier = company.tier
        status = company.status
        settings = company.settings
        createdAtMs = company.createdAtMs
        updatedAtMs = company.updatedAtMs
        suspendedAtMs = company.suspendedAtMs
        reactivateAtMs = company.reactivateAtMs
        suspendReason = company.suspendReason
        deletedAtMs = company.deletedAtMs
        limits = company.tier.limits
        self.usage = usage
    }

    /// Builds the view of `company`, counting its usage at `now` inside the caller's transaction.
    static func make(_ company: CompanyRecord, atMs now: Int64, in connection: Connection) throws -> CompanyView {
        CompanyView(company, usage: try CompanyUsage.measure(company.id, atMs: now, in: connection))
    }
}
