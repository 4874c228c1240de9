import MeshProtocol
import MeshStore

/// One audit entry as `audit.list` and exports show it.
struct AuditEntry: Codable, Sendable, Hashable {
    var auditID: String
    var atMs: Int64
    /// {kind: root|user|service, user_id?}
    var actor: JSONValue
    var action: String
    var targetType: String
    var targetID: String
    var before: JSONValue?
    var after: JSONValue?

    enum CodingKeys: String, CodingKey {
        case auditID = "audit_id"
        case atMs = "at_ms"
        case actor
        case action
        case targetType = "target_type"
        case targetID = "target_id"
        case before
        case after
    }

    /// Writes every member, and a missing `before` (a creation) or `after` (a removal) as null.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(auditID, forKey: .auditID)
        try container.encode(atMs, forKey: .atMs)
        try container.encode(actor, forKey: .actor)
        try container.encode(action, forKey: .action)
        try container.encode(targetType, forKey: .targetType)
        try container.encode(targetID, forKey: .targetID)
        try container.encode(before ?? .null, forKey: .before)
        try container.encode(after ?? .null, forKey: .after)
    }

    static let columns = "seq, id, at_ms, actor_kind, actor_id, action, target_type, target_id, before, after"

    init(row: Row) throws {
        auditID = try row.requireString("id")
        atMs = try row.requireInt("at_ms")

        var actor: [String: JSONValue] = ["kind": .string(try row.requireString("actor_kind"))]
        if let userID = row.string("actor_id") {
            actor["user_id"] = .string(userID)
        }
        self.actor = .object(actor)

        action = try row.requireString("action")
        targetType = try row.requireString("target_type")
        targetID = try row.requireString("target_id")
        before = try row.string("before").map { try JSONParser.parse($0) }
        after = try row.string("after").map { try JSONParser.parse($0) }
    }

    /// Reads every entry of a company, oldest first.
    static func all(companyID: String, in connection: Connection) throws -> [AuditEntry] {
        try connection.query(
            "SELECT \(columns) FROM audit WHERE company_id = ? ORDER BY seq", [.text(companyID)]
        ).map { try AuditEntry(row: $0) }
    }
}
