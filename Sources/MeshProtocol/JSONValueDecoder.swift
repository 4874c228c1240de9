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
        return KeyedDecodingContainer(KeyedContainer<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else {
            throw JSONValueDecoder.mismatch([Any].self, value, codingPath)
        }
        return UnkeyedContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueContainer(value: value, codingPath: codingPath)
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
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: path,
                    debugDescription: "Parsed JSON number <\(JSONWriter.string(value))> does not fit in \(T.self).")
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
                debugDescription: "Expected to decode \(expected) but found \(found.typeName) instead.")
        )
    }
}

/// Lets `decode` tell `Optional<Wrapped>` apart, which decodes a null instead of rejecting it.
private protocol OptionalMarker {}
extension Optional: OptionalMarker {}

/// The coding-path key of an array element, as `JSONDecoder` reports it.
private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }

    init(_ index: Int) {
        intValue = index
    }

    init?(stringValue: String) {
        return nil
    }

    init?(intValue: Int) {
        self.intValue = intValue
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: JSONValue]
    let codingPath: [any CodingKey]

    var allKeys: [Key] {
        members.keys.compactMap { Key(stringValue: $0) }
    }

    func contains(_ key: Key) -> Bool {
        members[key.stringValue] != nil
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard let member = members[key.stringValue] else {
            throw missing(key)
        }
        return member == .null
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        guard let member = members[key.stringValue] else {
            throw missing(key)
        }
        return try JSONValueDecoder.decode(T.self, from: member, at: codingPath + [key])
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let member = members[key.stringValue], member != .null else {
            return nil
        }
        return try JSONValueDecoder.decode(T.self, from: member, at: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        guard let member = members[key.stringValue] else {
            throw missing(key)
        }
        return try JSONValueDecoder(value: member, codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        guard let member = members[key.stringValue] else {
            throw missing(key)
        }
        return try JSONValueDecoder(value: member, codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        JSONValueDecoder(value: .object(members), codingPath: codingPath)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        JSONValueDecoder(value: members[key.stringValue] ?? .null, codingPath: codingPath + [key])
    }

    private func missing(_ key: Key) -> DecodingError {
        DecodingError.keyNotFound(
            key,
            DecodingError.Context(
                codingPath: codingPath, debugDescription: "No value associated with key \(key.stringValue).")
        )
    }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    init(elements: [JSONValue], codingPath: [any CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    mutating func decodeNil() throws -> Bool {
        try requireElement(JSONValue.self)
        if elements[currentIndex] == .null {
            currentIndex += 1
            return true
        }
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try requireElement(T.self)
        let decoded = try JSONValueDecoder.decode(
            T.self, from: elements[currentIndex], at: codingPath + [IndexKey(currentIndex)])
        currentIndex += 1
        return decoded
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<
        NestedKey
    > {
        try requireElement([String: Any].self)
        let decoder = JSONValueDecoder(value: elements[currentIndex], codingPath: codingPath + [IndexKey(currentIndex)])
        let container = try decoder.container(keyedBy: type)
        currentIndex += 1
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try requireElement([Any].self)
        let decoder = JSONValueDecoder(value: elements[currentIndex], codingPath: codingPath + [IndexKey(currentIndex)])
        let container = try decoder.unkeyedContainer()
        currentIndex += 1
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        try requireElement(JSONValue.self)
        let decoder = JSONValueDecoder(value: elements[currentIndex], codingPath: codingPath + [IndexKey(currentIndex)])
        currentIndex += 1
        return decoder
    }

    private func requireElement(_ type: Any.Type) throws {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                type,
                DecodingError.Context(
                    codingPath: codingPath + [IndexKey(currentIndex)], debugDescription: "Unkeyed container is at end.")
            )
        }
    }
}

private struct SingleValueContainer: SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool {
        value == .null
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONValueDecoder.decode(T.self, from: value, at: codingPath)
    }
}
