import MeshProtocol

/// Who may call a method through the gateway.
public enum MethodScope: String, Sendable, CaseIterable {
    /// Platform operators only.
    case root
    /// Users of a company (acting on their own company) and root.
    case company
    /// Anyone, without an API key (for example accepting an invitation).
    case anonymous
    /// Only other processes of the mesh; the gateway never routes it.
    case `internal`
}

/// What `rpc.describe` tells about one method.
public struct MethodDescriptor: Sendable {
    public let name: String
    public let summary: String
    public let scope: MethodScope
    let schemas: LazySchemas

    /// A method whose schemas are written out by hand.
    public init(name: String, summary: String, scope: MethodScope, paramsSchema: JSONValue, resultSchema: JSONValue) {
        self.init(name: name, summary: summary, scope: scope, params: { paramsSchema }, result: { resultSchema })
    }

    /// A method whose schemas `params` and `result` produce, each on first use.
    public init(
        name: String,
        summary: String,
        scope: MethodScope,
        params: @escaping @Sendable () -> JSONValue,
        result: @escaping @Sendable () -> JSONValue
    ) {
        self.name = name
        self.summary = summary
        self.scope = scope
        self.schemas = LazySchemas(params: params, result: result)
    }

    public var paramsSchema: JSONValue {
        schemas.paramsSchema
    }

    public var resultSchema: JSONValue {
        schemas.result
    }

    /// The member names the params take, sorted, or nil for free-form params.
    public var paramNames: [String]? {
        schemas.params.members?.sorted()
    }

    public var json: JSONValue {
        [
            "name": .string(name),
            "summary": .string(summary),
            "scope": .string(scope.rawValue),
            "params": paramsSchema,
            "result": resultSchema,
        ]
    }

    /// The entry of `rpc.describe` with `{"schemas": false}`: no schemas, only the names of the params.
    public var summaryJSON: JSONValue {
        var entry: [String: JSONValue] = [
            "name": .string(name),
            "summary": .string(summary),
            "scope": .string(scope.rawValue),
        ]
        entry["param_names"] = paramNames.map { .array($0.map { .string($0) }) }
        return .object(entry)
    }
}
