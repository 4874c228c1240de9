import MeshProtocol

/// A user's role inside one company. Root (platform operators) is not a role of a company.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case owner
    case admin
    case member
    case viewer

    private var rank: Int {
        switch self {
        case .viewer: return 0
        case .member: return 1
        case .admin: return 2
        case .owner: return 3
        }
    }

    /// The requirement of a method that needs this role, as messages word it: "the member role or
    /// higher", and "the owner role" for the highest.
    public var requirement: String {
        self == .owner ? "the owner role" : "the \(rawValue) role or higher"
    }

    public static func < (lhs: Role, rhs: Role) -> Bool {
        lhs.rank < rhs.rank
    }

    /// The JSON Schema of a param that names a role.
    public static var nameSchema: JSONValue {
        ["type": "string", "enum": .array(allCases.map { .string($0.rawValue) })]
    }
}
