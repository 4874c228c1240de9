/// A JSON document held in memory.
///
/// Integers that fit in 64 bits keep their exact value as `.int`; every other number is a `.double`.
/// Objects are dictionaries, so member order is not kept; the writer emits members sorted by key so
/// the same value always serializes to the same bytes.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue {
    /// The member named `key` when this value is an object, otherwise nil.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else {
            return nil
        }
        return members[key]
    }

    public var stringValue: String? {
        guard case .string(let text) = self else {
            return nil
        }
        return text
    }

    /// The value as an integer: an `.int`, or a `.double` with no fractional part inside Int64's range.
    public var intValue: Int64? {
        switch self {
        case .int(let number):
            return number
        case .double(let number) where number.rounded() == number && abs(number) < 9.2e18:
            return Int64(number)
        default:
            return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .int(let number):
            return Double(number)
        case .double(let number):
            return number
        default:
            return nil
        }
    }

    public var boolValue: Bool? {
        guard case .bool(let flag) = self else {
            return nil
        }
        return flag
    }

    public var arrayValue: [JSONValue]? {
        guard case .array(let elements) = self else {
            return nil
        }
        return elements
    }

    public var objectValue: [String: JSONValue]? {
        guard case .object(let members) = self else {
            return nil
        }
        return members
    }

    public var isNull: Bool {
        self == .null
    }

    /// The value for a message about a wrong value: a short one as JSON, a long one by its type and size.
    public var brief: String {
        let text = JSONWriter.string(self)
        guard text.utf8.count > 40 else {
            return text
        }
        let article = typeName == "array" || typeName == "object" ? "an" : "a"
        return "\(article) \(typeName) of \(text.utf8.count) bytes"
    }

    /// The value for a message that expected an integer. A whole number written with a fraction or an
    /// exponent (1.0, 1e2) is parsed as a double and would print as another text than was sent, so it
    /// is described instead.
    public var notIntegerText: String {
        if case .double(let number) = self, number.rounded() == number {
            // A whole number past Int64 is parsed as a double too, whatever way it was written.
            return abs(number) >= 9.2e18
                ? "a whole number outside the 64-bit range" : "a whole number written with a fraction or an exponent"
        }
        return brief
    }

    /// The JSON type name used in error messages: "null", "boolean", "number", "string", "array" or "object".
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .int, .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral,
    ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(nilLiteral: ()) { self = .null }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
