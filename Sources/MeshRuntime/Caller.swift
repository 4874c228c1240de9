import MeshProtocol

/// Who made a call, as the gateway verified it. Services read it from `meta.caller`.
///
/// Services trust this member because only processes of a trusted uid can connect to their sockets,
/// and the gateway overwrites whatever a client put there.
public struct Caller: Sendable, Hashable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A platform operator holding the root key.
        case root
        /// A user of one company, holding that user's API key.
        case user
        /// Another process of the mesh acting on its own behalf (event delivery, export).
        case service
    }

    public var kind: Kind
    public var companyID: String?
    public var userID: String?
    public var role: String?
    public var keyID: String?
    /// Set by the gateway on a call that repeats an idempotency key and that it would refuse now,
    /// because the company is suspended or its daily calls ran out. The service returns the result
    /// stored for the key, or fails with `noStoredResult` and changes nothing.
    public var replayOnly: Bool

    public init(
        kind: Kind, companyID: String? = nil, userID: String? = nil, role: String? = nil, keyID: String? = nil,
        replayOnly: Bool = false
    ) {
        self.kind = kind
        self.companyID = companyID
        self.userID = userID
        self.role = role
        self.keyID = keyID
        self.replayOnly = replayOnly
    }

    /// The error of a `replayOnly` call that has no stored result to return. The gateway replaces it with
    /// its own refusal.
    public static let noStoredResult = RPCError(
        .failedPrecondition,
        "there is no stored result for this idempotency key, and the call may only replay one",
        details: ["reason": "no_stored_result"]
    )

    public static let root = Caller(kind: .root)
    public static let service = Caller(kind: .service)

    public var isRoot: Bool { kind == .root }
    /// Root and the mesh's own processes may act on any company.
    public var isPrivileged: Bool { kind == .root || kind == .service }

    public var json: JSONValue {
        var members: [String: JSONValue] = ["kind": .string(kind.rawValue)]
        if let companyID { members["company_id"] = .string(companyID) }
        if let userID { members["user_id"] = .string(userID) }
        if let role { members["role"] = .string(role) }
        if let keyID { members["key_id"] = .string(keyID) }
        if replayOnly { members["replay_only"] = true }
        return .object(members)
    }

    /// Reads a caller written by `json`. Returns nil for an unknown kind, and for a user without
    /// `company_id`, `user_id` or `role`, since no access check could place such a caller.
    public init?(json: JSONValue?) {
        guard let json, let kindName = json["kind"]?.stringValue, let kind = Kind(rawValue: kindName) else {
            return nil
        }
        if kind == .user {
            let required = ["company_id", "user_id", "role"]
            guard required.allSatisfy({ !(json[$0]?.stringValue ?? "").isEmpty }) else {
                return nil
            }
        }
        self.kind = kind
        self.companyID = json["company_id"]?.stringValue
        self.userID = json["user_id"]?.stringValue
        self.role = json["role"]?.stringValue
        self.keyID = json["key_id"]?.stringValue
        self.replayOnly = json["replay_only"] == true
    }
}
