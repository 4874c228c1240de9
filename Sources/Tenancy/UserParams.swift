import MeshProtocol
import MeshRuntime
import TenantModel

/// Params and results of the `users.*` methods. Wire names are snake_case.
struct InviteParams: Codable, Sendable {
    var companyID: String
    var email: String
    var name: String
    /// admin, member (the default) or viewer; owner only when an owner invites.
    var role: String?

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case email
        case name
        case role
    }
}

/// The result of `users.invite` and `users.recoverAccess`: never the token itself.
struct InviteResult: Codable, Sendable {
    var user: UserView
    var invitation: InvitationView
}

struct ListUsersParams: Codable, Sendable {
    var companyID: String
    var status: UserStatus?
    var limit: Int?
    var cursor: String?

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case status
        case limit
        case cursor
    }
}

struct UserPage: Codable, Sendable {
    var users: [UserView]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case users
        case nextCursor = "next_cursor"
    }
}

struct UserIDParams: Codable, Sendable {
    var companyID: String
    var userID: String

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case userID = "user_id"
    }
}

struct SetRoleParams: Codable, Sendable {
    var companyID: String
    var userID: String
    var role: String

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case userID = "user_id"
        case role
    }
}

/// The params that name a role list the role names in their schema.
extension InviteParams: MemberSchemaProviding {
    static var memberSchemas: [String: JSONValue] { [CodingKeys.role.rawValue: Role.nameSchema] }
}

extension SetRoleParams: MemberSchemaProviding {
    static var memberSchemas: [String: JSONValue] { [CodingKeys.role.rawValue: Role.nameSchema] }
}
