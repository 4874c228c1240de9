import MeshProtocol
import MeshRuntime
import MeshStore

/// API keys of users: created on accepting an invitation or on request, stored as SHA-256 only.
enum APIKeys {
    /// A freshly created key. `apiKey` is returned once and never stored.
    struct Issued: Sendable {
        var keyID: String
        var apiKey: String
        var prefix: String
        var createdAtMs: Int64
    }

    static func create(
        companyID: String,
        userID: String,
        name: String?,
        atMs: Int64,
        in connection: Connection
    ) throws -> Issued {
        let keyID = SecretToken.newKeyID()
        let apiKey = SecretToken.newAPIKey(keyID: keyID)
        let prefix = String(apiKey.prefix(SecretToken.displayedKeyLength))

        try connection.execute(
            """
            INSERT INTO api_keys (id, company_id, user_id, key_hash, prefix, name, created_at_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(keyID), .text(companyID), .text(userID), .text(SecretHash.sha256Hex(apiKey)), .text(prefix),
                SQLValue(name), .integer(atMs),
            ]
        )
        return Issued(keyID: keyID, apiKey: apiKey, prefix: prefix, createdAtMs: atMs)
    }
}

/// A key as `auth.listKeys` shows it: never its hash.
struct KeyView: Codable, Sendable, Hashable {
    var keyID: String
    var userID: String
    var prefix: String
    var name: String?
    var createdAtMs: Int64
    var revokedAtMs: Int64?
    /// When the gateway first accepted the key on a call; nil for a key never used.
    var firstUsedAtMs: Int64?

    enum CodingKeys: String, CodingKey {
        case keyID = "key_id"
        case userID = "user_id"
        case prefix
        case name
        case createdAtMs = "created_at_ms"
        case revokedAtMs = "revoked_at_ms"
        case firstUsedAtMs = "first_used_at_ms"
    }

    static let columns = "id, user_id, prefix, name, created_at_ms, revoked_at_ms, first_used_at_ms"

    init(keyID: String, userID: String, prefix: String, name: String?, createdAtMs: Int64, revokedAtMs: Int64?) {
        self.keyID = keyID
        self.userID = userID
        self.prefix = prefix
        self.name = name
        self.createdAtMs = createdAtMs
        self.revokedAtMs = revokedAtMs
        self.firstUsedAtMs = nil
    }

    init(row: Row) throws {
        keyID = try row.requireString("id")
        userID = try row.requireString("user_id")
        prefix = try row.requireString("prefix")
        name = row.string("name")
        createdAtMs = try row.requireInt("created_at_ms")
        revokedAtMs = row.int("revoked_at_ms")
        firstUsedAtMs = row.int("first_used_at_ms")
    }
}
