import MeshProtocol

/// Who may call a method through the gateway.
public enum MethodScope: String, Sendable {
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
        self.init(name: name, summary: summary, scope: scope) { (paramsSchema, resultSchema) }
    }

    /// A method whose schemas `record` produces on first use.
    public init(
        name: String,
        summary: String,
        scope: MethodScope,
        schemas record: @escaping @Sendable () -> (params: JSONValue, result: JSONValue)
    ) {
        self.name = name
        self.summary = summary
        self.scope = scope
        self.schemas = LazySchemas(record)
    }

    public var paramsSchema: JSONValue {
        schemas.value.params
    }

    public var resultSchema: JSONValue {
        schemas.value.result
    }

    public var json: JSONValue {
        let recorded = schemas.value
        return [
            "name": .string(name),
            "summary": .string(summary),
            "scope": .string(scope.rawValue),
            "params": recorded.params,
            "result": recorded.result,
        ]
    }
}
