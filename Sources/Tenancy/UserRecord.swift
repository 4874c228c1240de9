import MeshProtocol
import MeshStore
import TenantModel

/// One row of `users`, decoded.
struct UserRecord: Sendable, Hashable {
    var id: String
    var companyID: String
    var email: String
    var name: String
    var role: Role
    var status: UserStatus
    var createdAtMs: Int64
    var updatedAtMs: Int64

    static let columns = "id, company_id, email, name, role, status, created_at_ms, updated_at_ms"

    /// Reads user `id` of company `companyID`; a user of another company is reported as NOT_FOUND.
    static func require(_ id: String, companyID: String, in connection: Connection) throws -> UserRecord {
        let row = try connection.queryOne(
            "SELECT \(columns) FROM users WHERE id = ? AND company_id = ?",
            [.text(id), .text(companyID)]
        )
        guard let row else {
            throw RPCError.notFound("user", id)
        }
        return try UserRecord(row: row)
    }

    init(row: Row) throws {
        id = try row.requireString("id")
        companyID = try row.requireString("company_id")
        email = try row.requireString("email")
        name = try row.requireString("name")

        let roleName = try row.requireString("role")
        guard let role = Role(rawValue: roleName) else {
            throw RPCError(.internal, "user \(id) contains an invalid role '\(roleName)'; repair the users row")
        }
        self.role = role

        let statusName = try row.requireString("status")
        guard let status = UserStatus(rawValue: statusName) else {
            throw RPCError(.internal, "user \(id) contains an invalid status '\(statusName)'; repair the users row")
        }
        self.status = status

        createdAtMs = try row.requireInt("created_at_ms")
        updatedAtMs = try row.requireInt("updated_at_ms")
    }

    init(id: String, companyID: String, email: String, name: String, role: Role, status: UserStatus, atMs: Int64) {
        self.id = id
        self.companyID = companyID
        self.email = email
        self.name = name
        self.role = role
        self.status = status
        self.createdAtMs = atMs
        self.updatedAtMs = atMs
    }

    /// Inserts this user; a second user with the same email in the company is ALREADY_EXISTS.
    func insert(in connection: Connection) throws {
        try connection.execute(
            "INSERT INTO users (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                .text(id), .text(companyID), .text(email), .text(name), .text(role.rawValue), .text(status.rawValue),
                .integer(createdAtMs), .integer(updatedAtMs),
            ]
        )
    }

    var view: UserView {
        UserView(
            userID: id, companyID: companyID, email: email, name: name, role: role, status: status,
            createdAtMs: createdAtMs, updatedAtMs: updatedAtMs
        )
    }
}
