import MeshProtocol
import MeshRuntime
import MeshStore

/// One audit entry as `audit.list` and exports show it.
struct AuditEntry: Codable, Sendable, Hashable, MemberSchemaProviding {
    /// The maker of a change: root, a service, or a user of the company.
    struct Actor: Codable, Sendable, Hashable {
        var kind: Caller.Kind
        /// Set when `kind` is `user`.
        var userID: String?

        enum CodingKeys: String, CodingKey {
            case kind
            case userID = "user_id"
        }
    }

    var auditID: String
    var atMs: Int64
    var actor: Actor
    var action: String
    var targetType: String
    var targetID: String
    var before: JSONValue?
    var after: JSONValue?

    /// `before` and `after` are the target's state as JSON, whatever its type.
    static var memberSchemas: [String: JSONValue] {
        [CodingKeys.before.rawValue: ["type": "object"], CodingKeys.after.rawValue: ["type": "object"]]
    }

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

        let kind = try row.requireString("actor_kind")
        guard let actorKind = Caller.Kind(rawValue: kind) else {
            throw RPCError(
                .internal, "audit entry \(auditID) contains an invalid actor kind '\(kind)'; repair the audit row")
        }
        actor = Actor(kind: actorKind, userID: row.string("actor_id"))

        action = try row.requireString("action")
        targetType = try row.requireString("target_type")
        targetID = try row.requireString("target_id")
        before = try row.string("before").map { try JSONParser.parse($0) }
        after = try row.string("after").map { try JSONParser.parse($0) }
    }
}
