/// A request id: a string, an integer or null, as JSON-RPC 2.0 allows (fractional numbers are refused).
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

    public var description: String {
        switch self {
        case .int(let number): return String(number)
        case .string(let text): return "\"\(text)\""
        case .null: return "null"
        }
    }
}
