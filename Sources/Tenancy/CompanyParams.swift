import MeshProtocol
import MeshRuntime
import TenantModel

/// Params of the `companies.*` methods. Wire names are snake_case.
struct ProvisionParams: Codable, Sendable {
    var name: String
    var adminEmail: String
    var adminName: String
    /// basic (the default), premium or platinum.
    var tier: String?

    enum CodingKeys: String, CodingKey {
        case name
        case adminEmail = "admin_email"
        case adminName = "admin_name"
        case tier
    }
}

struct CompanyIDParams: Codable, Sendable {
    var companyID: String

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
    }
}

struct ListCompaniesParams: Codable, Sendable {
    var status: CompanyStatus?
    var tier: String?
    var limit: Int?
    var cursor: String?
}

struct ConfigureParams: Codable, Sendable {
    var companyID: String
    /// Only the members given change; see `SettingsPatch` for the rules.
    var settings: JSONValue
    /// The target in the new list of each status that the new `statuses` drop, such as
    /// `{"Done": "Closed"}`. `SettingsPatch.statusMoves` checks it.
    var statusMoves: JSONValue?

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case settings
        case statusMoves = "status_moves"
    }
}

struct ChangeTierParams: Codable, Sendable {
    var companyID: String
    var tier: String

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case tier
    }
}

struct SuspendParams: Codable, Sendable {
    var companyID: String
    var reason: String?
    /// When set, the company is reactivated automatically once the mesh clock passes it.
    var reactivateAtMs: Int64?

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case reason
        case reactivateAtMs = "reactivate_at_ms"
    }
}

/// The params that name a tier list the tier names in their schema.
extension ProvisionParams: MemberSchemaProviding {
    static var memberSchemas: [String: JSONValue] { [CodingKeys.tier.rawValue: Tier.nameSchema] }
}

extension ListCompaniesParams: MemberSchemaProviding {
    static var memberSchemas: [String: JSONValue] { ["tier": Tier.nameSchema] }
}

extension ChangeTierParams: MemberSchemaProviding {
    static var memberSchemas: [String: JSONValue] { [CodingKeys.tier.rawValue: Tier.nameSchema] }
}
