import MeshProtocol

/// Builds params for any public method from the JSON Schema that the gateway's `rpc.describe` reports,
/// so suites that walk every method cover methods added later without being edited.
///
/// Properties that name an object (`*_id`, and `key` for an issue key) take their value from `ids`.
/// Every other property gets a value of the schema's type, chosen by name where a name has a meaning.
struct SchemaParams {
    /// Values of identifier properties by property name, for example `team_id`.
    var ids: [String: JSONValue]
    /// Values that replace the defaults of `value(for:schema:)` for plain properties, by name.
    var plain: [String: JSONValue] = [:]

    /// One described method of the gateway.
    struct Method: Sendable {
        let name: String
        let scope: String
        let schema: JSONValue

        var properties: [String: JSONValue] {
            schema["properties"]?.objectValue ?? [:]
        }

        var required: Set<String> {
            Set(schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        }

        /// Optional properties that name an object, sorted.
        var optionalIdentifiers: [String] {
            properties.keys.filter { SchemaParams.isIdentifier($0) && !required.contains($0) }.sorted()
        }
    }

    /// Returns the gateway's public methods: those a service behind it serves, without the `rpc.*` built-ins.
    static func publicMethods(_ description: JSONValue) -> [Method] {
        (description["methods"]?.arrayValue ?? []).compactMap { method in
            guard method["service"] != nil, let name = method["name"]?.stringValue else {
                return nil
            }
            return Method(name: name, scope: method["scope"]?.stringValue ?? "", schema: method["params"] ?? [:])
        }
        .sorted { $0.name < $1.name }
    }

    /// Reports whether a property names an object of some company.
    static func isIdentifier(_ name: String) -> Bool {
        name.hasSuffix("_id") || name == "key"
    }

    /// Identifier properties that have no value in `ids`: a suite must learn about each new kind.
    func missingIdentifiers(of method: Method) -> [String] {
        method.properties.keys.filter { SchemaParams.isIdentifier($0) && ids[$0] == nil }.sorted()
    }

    /// Params with every required property and the optional ones in `optional`.
    func params(for method: Method, including optional: Set<String> = []) -> JSONValue {
        var members: [String: JSONValue] = [:]
        for (name, schema) in method.properties where method.required.contains(name) || optional.contains(name) {
            if SchemaParams.isIdentifier(name), let id = ids[name] {
                members[name] = id
            } else {
                members[name] = plain[name] ?? SchemaParams.value(for: name, schema: schema)
            }
        }
        return .object(members)
    }

    /// Returns a value that satisfies `schema`, picked by property name where the name has a meaning.
    static func value(for name: String, schema: JSONValue) -> JSONValue {
        if let constant = schema["const"] {
            return constant
        }
        if let first = schema["enum"]?.arrayValue?.first {
            return first
        }

        let types =
            schema["type"]?.arrayValue?.compactMap(\.stringValue) ?? schema["type"]?.stringValue.map { [$0] } ?? []
        switch types.first(where: { $0 != "null" }) {
        case "string"?:
            return .string(text(for: name))
        case "integer"?:
            return .int(schema["minimum"]?.intValue ?? 1)
        case "number"?:
            return .double(schema["minimum"]?.doubleValue ?? 1)
        case "boolean"?:
            return false
        case "array"?:
            return []
        case "object"?:
            var members: [String: JSONValue] = [:]
            let required = Set(schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            for (member, memberSchema) in schema["properties"]?.objectValue ?? [:] where required.contains(member) {
                members[member] = value(for: member, schema: memberSchema)
            }
            return .object(members)
        default:
            // An open schema (any JSON): an object is what such params take.
            return [:]
        }
    }

    private static func text(for name: String) -> String {
        switch name {
        case "email", "admin_email":
            return "probe@probe.example"
        case "token":
            return "tmi_" + String(repeating: "0", count: 32)
        case "role":
            return "viewer"
        case "tier":
            return "premium"
        case "type":
            return "Bug"
        case "to_status":
            return "Closed"
        default:
            return "Probe"
        }
    }
}
