import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

/// The `auth.*` methods: invitations exchanged for keys, key management, and key verification for the
/// gateway.
enum AuthHandlers {
    static func register(into methods: inout MethodTable, env: ServiceEnvironment) {
        registerAcceptInvitation(into: &methods, env: env)
        registerKeys(into: &methods, env: env)
        registerVerifyKey(into: &methods, env: env)
    }

    /// The company a key method acts on: the caller's own, or for root the one it names.
    static func companyID(_ named: String?, caller: Caller) throws -> String {
        if let named {
            return named
        }
        guard let own = caller.companyID else {
            throw RPCError.invalidArgument(field: "company_id", "company_id is required when calling with the root key")
        }
        return own
    }
}
