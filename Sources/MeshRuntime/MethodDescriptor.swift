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
    public let paramsSchema: JSONValue
    public let resultSchema: JSONValue

    public init(name: String, summary: String, scope: MethodScope, paramsSchema: JSONValue, resultSchema: JSONValue) {
        self.name = name
        self.summary = summary
        self.scope = scope
        self.paramsSchema = paramsSchema
        self.resultSchema = resultSchema
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
}
