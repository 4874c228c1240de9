import Foundation

/// A `Decoder` that reads a `Decodable` type straight from a parsed `JSONValue`.
///
/// Params arrive already parsed and validated by the envelope parser. Decoding them through
/// `JSONDecoder` meant writing them back to bytes and parsing them a second time. This decoder walks
/// the value instead and throws the same `DecodingError` cases with the same coding paths, so callers
/// report the same field names. Numbers follow `JSONDecoder`'s rules: an integer type accepts a
/// number with no fractional part (2.0), and a floating-point type accepts any number. One difference:
/// for a number that does not fit its integer type, the path names the member, where `JSONDecoder`'s
/// is empty.
struct JSONValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(value: JSONValue, codingPath: [any CodingKey] = []) {
        self.value = value
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else {
            throw JSONValueDecoder.mismatch([String: Any].self, value, codingPath)
        }
        return KeyedDecodingContainer(JSONValueKeyedContainer<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else {
            throw JSONValueDecoder.mismatch([Any].self, value, codingPath)
        }
        return JSONValueUnkeyedContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        JSONValueSingleValueContainer(value: value, codingPath: codingPath)
    }

    // MARK: Values

    /// Decodes `type` from `value` found at `path`: primitives directly, `JSONValue` as it is, and
    /// everything else through its own `init(from:)`.
    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, at path: [any CodingKey]) throws -> T {
        if T.self == JSONValue.self {
            return value as! T
        }
        if case .null = value, !(T.self is any OptionalMarker.Type) {
            throw DecodingError.valueNotFound(
                T.self,
                DecodingError.Context(
                    codingPath: path, debugDescription: "Expected \(T.self) value but found null instead.")
            )
        }

        switch type {
        case is String.Type:
            guard case .string(let text) = value else {
                throw mismatch(String.self, value, path)
            }
            return text as! T
        case is Bool.Type:
            guard case .bool(let flag) = value else {
                throw mismatch(Bool.self, value, path)
            }
            return flag as! T
        case is Int.Type:
            return try integer(Int.self, value, path) as! T
        case is Int64.Type:
            return try integer(Int64.self, value, path) as! T
        case is Int32.Type:
            return try integer(Int32.self, value, path) as! T
        case is UInt.Type:
            return try integer(UInt.self, value, path) as! T
        case is UInt64.Type:
            return try integer(UInt64.self, value, path) as! T
        case is Double.Type:
            return try floatingPoint(value, path) as! T
        case is Float.Type:
            return Float(try floatingPoint(value, path)) as! T
        case let integerType as any FixedWidthInteger.Type:
            // Every other integer type (Int8, UInt16...). Their own init(from:) requests a single-value
            // container for the same type, which would lead straight back here.
            return try integer(integerType, value, path) as! T
        case is URL.Type:
            guard case .string(let text) = value else {
                throw mismatch(URL.self, value, path)
            }
            guard let url = URL(string: text) else {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(codingPath: path, debugDescription: "expected a URL, not \(value.brief)"))
            }
            return url as! T
        case is Decimal.Type:
            // NOTE: the parser keeps a fraction as a Double, so a Decimal gets 15 to 17 significant digits,
            // not every digit sent. Integers within 64 bits stay exact.
            guard value.typeName == "number", let decimal = Decimal(string: JSONWriter.string(value)) else {
                throw mismatch(Decimal.self, value, path)
            }
            return decimal as! T
        default:
            return try T(from: JSONValueDecoder(value: value, codingPath: path))
        }
    }

    private static func integer<T: FixedWidthInteger>(_ type: T.Type, _ value: JSONValue, _ path: [any CodingKey])
        throws -> T
    {
        let converted: T?
        switch value {
        case .int(let number):
            converted = T(exactly: number)
        case .double(let number):
            converted = T(exactly: number)
        default:
            throw mismatch(T.self, value, path)
        }
        guard let converted else {
            // A fraction is the usual mistake; the range only matters for a whole number too large.
            let isFraction = value.doubleValue.map { $0.rounded(.towardZero) != $0 } ?? false
            let expected = isFraction ? "expected a whole number" : "expected a whole number from \(T.min) to \(T.max)"
            // A whole number parsed as a double would print in another form than it was sent (1e19 for 10^19).
            let received = isFraction ? JSONWriter.string(value) : value.notIntegerText
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: path, debugDescription: "\(expected), not \(received)")
            )
        }
        return converted
    }

    private static func floatingPoint(_ value: JSONValue, _ path: [any CodingKey]) throws -> Double {
        switch value {
        case .int(let number):
            return Double(number)
        case .double(let number):
            return number
        default:
            throw mismatch(Double.self, value, path)
        }
    }

    static func mismatch(_ expected: Any.Type, _ found: JSONValue, _ path: [any CodingKey]) -> DecodingError {
        DecodingError.typeMismatch(
            expected,
            DecodingError.Context(
                codingPath: path,
                debugDescription: "not \(found.brief)")
        )
    }
}

/// Lets `decode` tell `Optional<Wrapped>` apart, which decodes a null instead of rejecting it.
private protocol OptionalMarker {}
extension Optional: OptionalMarker {}
