import Foundation
import MeshProtocol

/// Builds the JSON Schema of a `Decodable` type by running its `init(from:)` against a decoder that
/// records which members it asks for, with which types, and which are optional.
///
/// Because the schema comes from the very code that decodes the params, the two cannot drift. Types
/// whose decoding depends on values (string enums, custom validation) conform to `JSONSchemaProviding`.
public enum SchemaRecorder {
    public static func schema(for type: any Decodable.Type) -> JSONValue {
        if let provided = type as? any JSONSchemaProviding.Type {
            return provided.jsonSchema
        }
        if let primitive = primitiveSchema(type) {
            return primitive
        }

        let recorder = RecordingDecoder()
        _ = try? type.init(from: recorder)
        recorder.node.replaceMembers(of: type)
        return recorder.node.schema
    }

    static func primitiveSchema(_ type: Any.Type) -> JSONValue? {
        switch type {
        case is String.Type: return ["type": "string"]
        case is Bool.Type: return ["type": "boolean"]
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type, is UInt64.Type: return ["type": "integer"]
        case is Double.Type, is Float.Type: return ["type": "number"]
        case is Date.Type: return ["type": "string", "format": "date-time"]
        default: return nil
        }
    }
}

/// What the recorder learned about one value.
final class SchemaNode {
    enum Shape {
        case unknown
        case object(properties: [String: JSONValue], required: Set<String>)
        case array(items: JSONValue)
        case value(JSONValue)
    }

    var shape: Shape = .unknown

    var schema: JSONValue {
        switch shape {
        case .unknown:
            return [:]
        case .value(let schema):
            return schema
        case .array(let items):
            return ["type": "array", "items": items]
        case .object(let properties, let required):
            var members: [String: JSONValue] = [
                "type": "object",
                "properties": .object(properties),
                "additionalProperties": false,
            ]
            if !required.isEmpty {
                members["required"] = .array(required.sorted().map { .string($0) })
            }
            return .object(members)
        }
    }

    /// Returns `schema` widened to accept null as well.
    static func nullable(_ schema: JSONValue) -> JSONValue {
        guard var members = schema.objectValue, let type = members["type"] else {
            // An open schema already accepts null.
            return schema
        }
        if let name = type.stringValue {
            members["type"] = [.string(name), "null"]
        } else if let names = type.arrayValue, !names.contains("null") {
            members["type"] = .array(names + ["null"])
        }
        if let allowed = members["enum"]?.arrayValue, !allowed.contains(.null) {
            members["enum"] = .array(allowed + [.null])
        }
        return .object(members)
    }

    /// Puts the schemas a `MemberSchemaProviding` type states in place of the recorded ones.
    func replaceMembers(of type: Any.Type) {
        guard let provider = type as? any MemberSchemaProviding.Type,
            case .object(var properties, let required) = shape
        else {
            return
        }

        for (name, schema) in provider.memberSchemas where properties[name] != nil {
            properties[name] = required.contains(name) ? schema : SchemaNode.nullable(schema)
        }
        shape = .object(properties: properties, required: required)
    }

    func record(key: String, schema: JSONValue, required: Bool) {
        guard case .object(var properties, var requiredKeys) = shape else {
            shape = .object(properties: [key: schema], required: required ? [key] : [])
            return
        }
        properties[key] = schema
        if required {
            requiredKeys.insert(key)
        }
        shape = .object(properties: properties, required: requiredKeys)
    }
}

/// Thrown to stop decoding early where recording cannot go on (never surfaced).
struct SchemaRecordingStop: Error {}

final class RecordingDecoder: Decoder {
    let node = SchemaNode()
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        if case .unknown = node.shape {
            node.shape = .object(properties: [:], required: [])
        }
        return KeyedDecodingContainer(RecordingKeyedContainer<Key>(node: node))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        RecordingUnkeyedContainer(node: node)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        RecordingSingleValueContainer(node: node)
    }
}

/// Produces a placeholder value of a primitive type so the decoded type's init can continue.
enum Placeholder {
    static func make<T>(_ type: T.Type) -> T? {
        switch type {
        case is String.Type: return "" as? T
        case is Bool.Type: return false as? T
        case is Int.Type: return 0 as? T
        case is Int64.Type: return Int64(0) as? T
        case is Int32.Type: return Int32(0) as? T
        case is UInt.Type: return UInt(0) as? T
        case is UInt64.Type: return UInt64(0) as? T
        case is Double.Type: return 0.0 as? T
        case is Float.Type: return Float(0) as? T
        default: return nil
        }
    }

    /// Records `type`'s schema and returns a value to hand back to the decoding init.
    static func decode<T: Decodable>(_ type: T.Type, into record: (JSONValue) -> Void) throws -> T {
        if let dictionary = type as? any StringKeyedDictionary.Type, let empty = dictionary.empty as? T {
            record(["type": "object", "additionalProperties": SchemaRecorder.schema(for: dictionary.valueType)])
            return empty
        }
        // A string enum that does not state its schema: its cases are its schema, and its first case
        // lets the init go on to the members after it.
        if !(type is any JSONSchemaProviding.Type), let iterable = type as? any CaseIterable.Type,
            let schema = stringEnumSchema(iterable), let first = firstCase(iterable) as? T
        {
            record(schema)
            return first
        }
        if let provided = type as? any JSONSchemaProviding.Type {
            record(provided.jsonSchema)
            if let value = Placeholder.make(type) {
                return value
            }
            // A string enum or other self-describing type: decode it from its first case if it has one.
            if let iterable = type as? any CaseIterable.Type, let first = firstCase(iterable) as? T {
                return first
            }
            if type == JSONValue.self, let value = JSONValue.null as? T {
                return value
            }
            // Its own init, fed placeholders, may still produce a value (a number or a fixed word).
            if let value = try? T(from: RecordingDecoder()) {
                return value
            }
            throw SchemaRecordingStop()
        }
        if let primitive = SchemaRecorder.primitiveSchema(type) {
            record(primitive)
            if let value = Placeholder.make(type) {
                return value
            }
            if type == Date.self, let value = Date(timeIntervalSince1970: 0) as? T {
                return value
            }
            throw SchemaRecordingStop()
        }

        let nested = RecordingDecoder()
        let value = try? T(from: nested)
        nested.node.replaceMembers(of: type)
        record(nested.node.schema)
        guard let value else {
            throw SchemaRecordingStop()
        }
        return value
    }

    private static func stringEnumSchema(_ type: any CaseIterable.Type) -> JSONValue? {
        func open<C: CaseIterable>(_ type: C.Type) -> JSONValue? {
            let names = type.allCases.compactMap { ($0 as? any RawRepresentable)?.rawValue as? String }
            guard !names.isEmpty, names.count == type.allCases.count else {
                return nil
            }
            return ["type": "string", "enum": .array(names.map { .string($0) })]
        }
        return open(type)
    }

    private static func firstCase(_ type: any CaseIterable.Type) -> Any? {
        func open<C: CaseIterable>(_ type: C.Type) -> Any? {
            type.allCases.first
        }
        return open(type)
    }
}

struct RecordingKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let node: SchemaNode
    var codingPath: [any CodingKey] = []
    var allKeys: [Key] { [] }

    func contains(_ key: Key) -> Bool { true }

    func decodeNil(forKey key: Key) throws -> Bool { false }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try Placeholder.decode(type) { schema in
            node.record(key: key.stringValue, schema: schema, required: true)
        }
    }

    /// Records an optional member. It may be absent or null, in params and in results alike.
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        _ = try? Placeholder.decode(type) { schema in
            node.record(key: key.stringValue, schema: SchemaNode.nullable(schema), required: false)
        }
        return nil
    }

    // The protocol's default implementations for these types would call `decode` and mark the member
    // required, so each is routed to the generic optional form.
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try optional(type, key) }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try optional(type, key) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try optional(type, key) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try optional(type, key) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try optional(type, key) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try optional(type, key) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try optional(type, key) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try optional(type, key) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try optional(type, key) }

    private func optional<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T? {
        let generic: (T.Type, Key) throws -> T? = decodeIfPresent
        return try generic(type, key)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        throw SchemaRecordingStop()
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw SchemaRecordingStop()
    }

    func superDecoder() throws -> any Decoder { RecordingDecoder() }

    func superDecoder(forKey key: Key) throws -> any Decoder { RecordingDecoder() }
}

struct RecordingUnkeyedContainer: UnkeyedDecodingContainer {
    let node: SchemaNode
    var codingPath: [any CodingKey] = []
    var count: Int? { 1 }
    var isAtEnd: Bool { currentIndex > 0 }
    var currentIndex = 0

    init(node: SchemaNode) {
        self.node = node
        node.shape = .array(items: [:])
    }

    mutating func decodeNil() throws -> Bool { false }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        currentIndex += 1
        return try Placeholder.decode(type) { schema in
            node.shape = .array(items: schema)
        }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        throw SchemaRecordingStop()
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw SchemaRecordingStop()
    }

    mutating func superDecoder() throws -> any Decoder { RecordingDecoder() }
}

struct RecordingSingleValueContainer: SingleValueDecodingContainer {
    let node: SchemaNode
    var codingPath: [any CodingKey] = []

    func decodeNil() -> Bool { false }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try Placeholder.decode(type) { schema in
            node.shape = .value(schema)
        }
    }
}

/// A dictionary with string keys, whose JSON form is an object with any member names.
protocol StringKeyedDictionary {
    static var valueType: any Decodable.Type { get }
    static var empty: Self { get }
}

extension Dictionary: StringKeyedDictionary where Key == String, Value: Decodable {
    static var valueType: any Decodable.Type { Value.self }
    static var empty: Self { [:] }
}
