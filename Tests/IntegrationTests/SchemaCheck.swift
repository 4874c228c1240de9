import MeshProtocol

/// Checks a JSON value against the subset of JSON Schema that `rpc.describe` uses: `type` (a name or
/// a list), `enum`, `const`, `oneOf`, `properties`, `required`, `additionalProperties` and `items`.
enum SchemaCheck {
    /// Returns one line per place where `value` breaks `schema`, each starting with the value's path.
    static func problems(_ value: JSONValue, _ schema: JSONValue, at path: String = "result") -> [String] {
        if let constant = schema["const"], constant != value {
            return ["\(path): \(JSONWriter.string(value)) is not the constant \(JSONWriter.string(constant))"]
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) {
            return ["\(path): \(JSONWriter.string(value)) is not one of \(JSONWriter.string(.array(allowed)))"]
        }

        if let choices = schema["oneOf"]?.arrayValue {
            let matching = choices.filter { problems(value, $0, at: path).isEmpty }.count
            if matching != 1 {
                return [
                    "\(path): \(JSONWriter.string(value).prefix(80)) matches \(matching) of the oneOf schemas, not 1"
                ]
            }
        }

        let types = schema["type"]?.arrayValue?.compactMap(\.stringValue) ?? schema["type"]?.stringValue.map { [$0] }
        if let types, !types.contains(where: { matches(value, $0) }) {
            return ["\(path): \(JSONWriter.string(value).prefix(80)) is not of type \(types.joined(separator: " or "))"]
        }

        var found: [String] = []
        if let members = value.objectValue {
            let properties = schema["properties"]?.objectValue ?? [:]
            for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
                found.append("\(path).\(name): required but missing")
            }
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let memberSchema = properties[name] {
                    found += problems(member, memberSchema, at: "\(path).\(name)")
                } else if schema["additionalProperties"] == false {
                    found.append("\(path).\(name): not a property of the schema")
                } else if let extra = schema["additionalProperties"], extra.objectValue != nil {
                    found += problems(member, extra, at: "\(path).\(name)")
                }
            }
        }
        if let elements = value.arrayValue, let items = schema["items"] {
            for (index, element) in elements.enumerated() {
                found += problems(element, items, at: "\(path)[\(index)]")
            }
        }
        return found
    }

    /// Returns the path of every schema inside `schema` that accepts any value (`{}`), because such a
    /// schema gives a client no information about the value.
    static func openSchemas(_ schema: JSONValue, at path: String) -> [String] {
        guard let members = schema.objectValue else {
            return []
        }
        if members.isEmpty {
            return [path]
        }

        var found: [String] = []
        for (name, property) in members["properties"]?.objectValue ?? [:] {
            found += openSchemas(property, at: "\(path).\(name)")
        }
        if let extra = members["additionalProperties"], extra.objectValue != nil {
            found += openSchemas(extra, at: "\(path).*")
        }
        if let items = members["items"] {
            found += openSchemas(items, at: "\(path)[]")
        }
        for (index, choice) in (members["oneOf"]?.arrayValue ?? []).enumerated() {
            found += openSchemas(choice, at: "\(path).oneOf[\(index)]")
        }
        return found
    }

    private static func matches(_ value: JSONValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object),
            ("integer", .int), ("number", .int), ("number", .double):
            return true
        default:
            return false
        }
    }
}
