import MeshProtocol

/// A type that states its own JSON Schema instead of having it recorded from its `Decodable` init.
///
/// String enums get theirs for free through `CaseIterable`.
public protocol JSONSchemaProviding {
    static var jsonSchema: JSONValue { get }
}

extension JSONSchemaProviding where Self: CaseIterable & RawRepresentable, RawValue == String {
    public static var jsonSchema: JSONValue {
        ["type": "string", "enum": .array(allCases.map { .string($0.rawValue) })]
    }
}

extension JSONValue: JSONSchemaProviding {
    public static var jsonSchema: JSONValue { [:] }
}
