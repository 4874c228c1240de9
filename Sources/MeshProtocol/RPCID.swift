/// A request id: a string, an integer or null, as JSON-RPC 2.0 allows (fractional numbers are refused).
///
/// Two string ids are the same only when their UTF-8 bytes are: `"\u{e9}"` and `"e\u{301}"` look alike
/// but are different ids, although Swift's own `String` comparison would call them equal.
public enum RPCID: Sendable, Hashable, CustomStringConvertible {
    case int(Int64)
    case string(String)
    case null

    public var json: JSONValue {
        switch self {
        case .int(let number): return .int(number)
        case .string(let text): return .string(text)
        case .null: return .null
        }
    }

    /// The id in `value`, or nil when it is not a valid id.
    public init?(json value: JSONValue) {
        switch value {
        case .int(let number): self = .int(number)
        case .string(let text): self = .string(text)
        case .null: self = .null
        default: return nil
        }
    }

    public static func == (lhs: RPCID, rhs: RPCID) -> Bool {
        switch (lhs, rhs) {
        case (.int(let left), .int(let right)): return left == right
        case (.string(let left), .string(let right)): return left.utf8.elementsEqual(right.utf8)
        case (.null, .null): return true
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .int(let number):
            hasher.combine(0)
            hasher.combine(number)
        case .string(let text):
            hasher.combine(1)
            hasher.combine(text.utf8.count)
            for byte in text.utf8 {
                hasher.combine(byte)
            }
        case .null:
            hasher.combine(2)
        }
    }

    public var description: String {
        switch self {
        case .int(let number): return String(number)
        case .string(let text): return "\"\(text)\""
        case .null: return "null"
        }
    }
}
