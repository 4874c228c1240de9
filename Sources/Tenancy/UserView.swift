import MeshProtocol
import TenantModel

/// A user as methods return it.
struct UserView: Codable, Sendable, Hashable {
    var userID: String
    var companyID: String
    var email: String
    var name: String
    var role: Role
    var status: UserStatus
    var createdAtMs: Int64
    var updatedAtMs: Int64

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case companyID = "company_id"
        case email
        case name
        case role
        case status
        case createdAtMs = "created_at_ms"
        case updatedAtMs = "updated_at_ms"
    }

    /// The view as JSON, for audit entries.
    var json: JSONValue {
        // Strings and integers always encode.
        (try? JSONValue(encoding: self)) ?? .null
    }
}
