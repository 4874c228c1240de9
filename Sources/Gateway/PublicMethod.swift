import MeshProtocol
import MeshRuntime

/// The part of a method's `rpc.describe` entry that the gateway uses: its scope, and whether its
/// params name a company.
struct PublicMethod: Sendable, Hashable {
    /// The raw value of the method's `MethodScope`.
    let scope: String
    /// Whether the params schema has a `company_id` property, which the gateway fills in for users.
    let acceptsCompanyID: Bool

    var isInternal: Bool { scope == MethodScope.internal.rawValue }
    var isRootOnly: Bool { scope == MethodScope.root.rawValue }
    var isCompanyScoped: Bool { scope == MethodScope.company.rawValue }

    /// Reads one entry of a `methods` list, or returns nil when the entry has no scope.
    init?(describing method: JSONValue) {
        guard let scope = method["scope"]?.stringValue else {
            return nil
        }
        self.scope = scope
        acceptsCompanyID =
            method["param_names"]?.arrayValue?.contains("company_id") == true
            || method["params"]?["properties"]?["company_id"] != nil
    }
}
