import MeshProtocol

/// Results of the `companies.*` methods.
struct ProvisionResult: Codable, Sendable, Hashable {
    var company: CompanyView
    var owner: UserView
    var invitation: InvitationView
}

struct CompanyPage: Codable, Sendable {
    var companies: [CompanyView]
    /// Pass it as `cursor` for the next page; absent on the last page.
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case companies
        case nextCursor = "next_cursor"
    }
}

struct ChangeTierResult: Codable, Sendable {
    var company: CompanyView
    var fromTier: String
    var toTier: String

    enum CodingKeys: String, CodingKey {
        case company
        case fromTier = "from_tier"
        case toTier = "to_tier"
    }
}

struct DeleteResult: Codable, Sendable {
    var companyID: String
    var deletedAtMs: Int64
    /// API keys of the company that this deletion revoked.
    var revokedKeys: Int

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case deletedAtMs = "deleted_at_ms"
        case revokedKeys = "revoked_keys"
    }
}
