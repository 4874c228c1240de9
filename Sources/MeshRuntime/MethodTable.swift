import MeshProtocol

/// A method a process serves: its description and its handler.
public struct MethodEntry: Sendable {
    public typealias Handler = @Sendable (JSONValue?, MethodContext) async throws -> JSONValue

    public let descriptor: MethodDescriptor
    public let handler: Handler
}

/// The methods of one process, filled in at startup and read-only once serving.
public struct MethodTable: Sendable {
    public private(set) var entries: [String: MethodEntry] = [:]

    public init() {}

    public subscript(name: String) -> MethodEntry? {
        entries[name]
    }

    public var descriptors: [MethodDescriptor] {
        entries.values.map(\.descriptor).sorted { $0.name < $1.name }
    }

    /// Registers a handler whose params and result are Codable types.
    ///
    /// Params must be a JSON object (absent params decode from `{}`); the JSON Schemas that
    /// `rpc.describe` reports are recorded from `Params` and `Result` themselves.
    public mutating func register<Params: Decodable & Sendable, Result: Codable & Sendable>(
        _ name: String,
        summary: String,
        scope: MethodScope,
        params: Params.Type = Params.self,
        result: Result.Type = Result.self,
        _ handler: @escaping @Sendable (Params, MethodContext) async throws -> Result
    ) {
        let descriptor = MethodDescriptor(
            name: name, summary: summary, scope: scope,
            params: { SchemaRecorder.schema(for: Params.self) },
            result: { SchemaRecorder.schema(for: Result.self) }
        )
        add(descriptor) { raw, context in
            if let knownMembers = descriptor.schemas.params.members, let members = raw?.objectValue {
                try MethodTable.rejectUnknownMembers(members, known: knownMembers, method: name)
            }
            let decoded: Params
            do {
                let params = MethodTable.matchingEnumCase(raw, enums: descriptor.schemas.params.enums)
                decoded = try MethodTable.decodeParams(Params.self, from: params, method: name)
            } catch let error as RPCError {
                throw MethodTable.namingAllowedValues(error, schema: descriptor.paramsSchema, params: raw)
            }
            let value = try await handler(decoded, context)
            if let json = value as? JSONValue {
                return json
            }
            if let convertible = value as? any JSONValueConvertible {
                return convertible.json
            }
            return try JSONValue(encoding: value)
        }
    }

    /// Registers a handler that works on raw JSON, with hand-written schemas.
    public mutating func add(_ descriptor: MethodDescriptor, _ handler: @escaping MethodEntry.Handler) {
        precondition(entries[descriptor.name] == nil, "method \(descriptor.name) registered twice")
        entries[descriptor.name] = MethodEntry(descriptor: descriptor, handler: handler)
    }

    /// Returns `params` with each top-level string whose schema is an enum written as the enum writes it,
    /// when the two differ only in letter case. So `"Active"` and `"active"` are the same status, as tier
    /// names already were.
    static func matchingEnumCase(_ params: JSONValue?, enums: [String: [JSONValue]]) -> JSONValue? {
        guard !enums.isEmpty, var members = params?.objectValue else {
            return params
        }

        for (field, value) in members {
            guard let text = value.stringValue, let allowed = enums[field], !allowed.contains(value) else {
                continue
            }
            let folded = text.lowercased()
            if let match = allowed.first(where: { $0.stringValue?.lowercased() == folded }) {
                members[field] = match
            }
        }
        return .object(members)
    }

    /// Adds the allowed values to an INVALID_ARGUMENT about a top-level member whose schema is an enum,
    /// so the message lists the values that would be accepted after the value received.
    static func namingAllowedValues(_ error: RPCError, schema: JSONValue, params: JSONValue?) -> RPCError {
        guard error.status == .invalidArgument,
            let field = error.details?["field"]?.stringValue,
            let allowed = schema["properties"]?[field]?["enum"]?.arrayValue
        else {
            return error
        }

        // An optional member's enum lists null too, which is how to leave the member out, not a value to use.
        let names = allowed.compactMap(\.stringValue)
        var named = error
        let received = params?[field].map { " (received \(JSONWriter.string($0).clipped))" } ?? ""
        named.message =
            "params.\(field) is not one of the allowed values\(received); use one of \(names.joined(separator: ", "))"
        named.details = ["field": .string(field), "allowed": .array(names.map { .string($0) })]
        return named
    }

    static func rejectUnknownMembers(_ members: [String: JSONValue], known: Set<String>, method: String) throws {
        let unknown = members.keys.filter { !known.contains($0) }.sorted()
        guard let first = unknown.first else {
            return
        }
        let accepted =
            known.isEmpty
            ? "\(method) takes no params; send {} or leave params out"
            : "accepted: \(known.sorted().joined(separator: ", "))"
        throw RPCError(
            .invalidArgument,
            "params.\(first.clipped) is not a parameter of \(method)\(NameSuggestion.hint(for: first, among: known)); "
                + accepted,
            // Error details keep at most 100 elements of a list, so the count gives how many there were.
            details: [
                "field": .string(first.clipped), "unknown": .array(unknown.map { .string($0.clipped) }),
                "unknown_count": .int(Int64(unknown.count)),
            ]
        )
    }

    static func decodeParams<Params: Decodable>(_ type: Params.Type, from raw: JSONValue?, method: String) throws
        -> Params
    {
        let object: JSONValue
        switch raw {
        case nil, .null?:
            object = .object([:])
        case .object?:
            object = raw!
        case .some(let other):
            throw RPCError(
                .invalidArgument,
                "params of \(method) must be an object with named members, not \(other.typeName)",
                details: ["field": "params"]
            )
        }
        if let json = object as? Params {
            return json
        }
        return try object.decode(Params.self, root: "params")
    }
}

/// Params of a method that takes none.
public struct NoParams: Codable, Sendable, JSONSchemaProviding {
    public init() {}

    /// An object with no members, so a call that sends any is refused like one with an unknown member.
    public static var jsonSchema: JSONValue {
        ["type": "object", "properties": [:], "additionalProperties": false]
    }
}
