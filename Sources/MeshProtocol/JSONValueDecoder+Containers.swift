/// The coding-path key of an array element, as `JSONDecoder` reports it.
struct JSONIndexKey: CodingKey {
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

/// The keyed container of `JSONValueDecoder`: the members of one JSON object.
struct JSONValueKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
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

/// The unkeyed container of `JSONValueDecoder`: the elements of one JSON array, read in order.
struct JSONValueUnkeyedContainer: UnkeyedDecodingContainer {
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
        let decoded = try JSONValueDecoder.decode(T.self, from: elements[currentIndex], at: elementPath)
        currentIndex += 1
        return decoded
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<
        NestedKey
    > {
        try requireElement([String: Any].self)
        let container = try elementDecoder().container(keyedBy: type)
        currentIndex += 1
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try requireElement([Any].self)
        let container = try elementDecoder().unkeyedContainer()
        currentIndex += 1
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        try requireElement(JSONValue.self)
        let decoder = elementDecoder()
        currentIndex += 1
        return decoder
    }

    /// The coding path of the element at `currentIndex`.
    private var elementPath: [any CodingKey] {
        codingPath + [JSONIndexKey(currentIndex)]
    }

    private func elementDecoder() -> JSONValueDecoder {
        JSONValueDecoder(value: elements[currentIndex], codingPath: elementPath)
    }

    private func requireElement(_ type: Any.Type) throws {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                type,
                DecodingError.Context(
                    codingPath: elementPath, debugDescription: "Unkeyed container is at end.")
            )
        }
    }
}

/// The single-value container of `JSONValueDecoder`: one JSON value of any kind.
struct JSONValueSingleValueContainer: SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool {
        value == .null
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONValueDecoder.decode(T.self, from: value, at: codingPath)
    }
}
