/// Params and results of the `auth.*` methods. Wire names are snake_case.
struct AcceptInvitationParams: Codable, Sendable {
    var token: String
}

struct AcceptInvitationResult: Codable, Sendable {
    /// Shown only here; tenancy keeps its SHA-256.
    var apiKey: String
    var keyID: String
    var user: UserView
    var companyID: String

    enum CodingKeys: String, CodingKey {
        case apiKey = "api_key"
        case keyID = "key_id"
        case user
        case companyID = "company_id"
    }
}

struct CreateKeyParams: Codable, Sendable {
    var name: String?
}

struct CreateKeyResult: Codable, Sendable {
    /// Shown only here; tenancy keeps its SHA-256.
    var apiKey: String
    var key: KeyView

    enum CodingKeys: String, CodingKey {
        case apiKey = "api_key"
        case key
    }
}

struct ListKeysParams: Codable, Sendable {
    /// Required for root; a user's own company otherwise.
    var companyID: String?
    /// Admins and root may narrow the list to one user.
    var userID: String?

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case userID = "user_id"
    }
}

struct KeyList: Codable, Sendable {
    var keys: [KeyView]
}

struct RevokeKeyParams: Codable, Sendable {
    var keyID: String
    /// Required for root; a user's own company otherwise.
    var companyID: String?

    enum CodingKeys: String, CodingKey {
        case keyID = "key_id"
        case companyID = "company_id"
    }
}

struct VerifyKeyParams: Codable, Sendable {
    var apiKey: String

    enum CodingKeys: String, CodingKey {
        case apiKey = "api_key"
    }
}

struct VerifyKeyResult: Codable, Sendable {
    struct VerifiedCaller: Codable, Sendable {
        var kind: String
        var companyID: String
        var userID: String
        var role: String
        var keyID: String

        enum CodingKeys: String, CodingKey {
            case kind
            case companyID = "company_id"
            case userID = "user_id"
            case role
            case keyID = "key_id"
        }
    }

    var caller: VerifiedCaller
    var companyStatus: CompanyStatus
    var companyTier: String

    enum CodingKeys: String, CodingKey {
        case caller
        case companyStatus = "company_status"
        case companyTier = "company_tier"
    }
}
