import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

/// Access checks for the billing methods: which caller may act on which company.
enum BillingAccess {
    /// Lets root and mesh processes act on any company and a user on their own company only, with a
    /// role the permission table allows for the method. Another company's id is NOT_FOUND, so it
    /// reveals nothing about that company.
    static func requireCompany(_ companyID: String, _ context: MethodContext) throws(RPCError) {
        let caller = try context.requireCompany(companyID)
        guard caller.kind == .user else {
            return
        }
        guard let roleName = caller.role, let role = Role(rawValue: roleName) else {
            throw RPCError(
                .permissionDenied,
                "\(context.method) needs a caller with a company role, and this key's user has none; use a user's API key"
            )
        }
        guard Permissions.allows(role, context.method) else {
            let needed = Permissions.requiredRole(context.method)
            throw RPCError(
                .permissionDenied,
                "\(context.method) needs \(needed.requirement), and your role is \(role.rawValue); ask an owner of your company",
                details: ["required_role": .string(needed.rawValue), "role": .string(role.rawValue)]
            )
        }
    }

    /// Loads the company's subscription.
    ///
    /// - Throws: a retryable NOT_FOUND when billing has no subscription for the company yet, which is
    ///   usually a short wait after provisioning, and a final NOT_FOUND for a deleted company, as every
    ///   other service gives. A deleted company's rows stay stored for `billing.export` only.
    static func subscription(_ companyID: String, _ connection: Connection) throws -> SubscriptionRecord {
        guard let subscription = try SubscriptionRecord.load(companyID: companyID, connection) else {
            throw RPCError(
                .notFound,
                "company '\(companyID.clipped)' has no subscription yet; billing creates it shortly after the company is provisioned, so retry in a few seconds, and check the id if it persists",
                details: ["kind": "subscription", "company_id": .string(companyID.clipped)],
                retryAfterMs: 1_000,
                retryable: true
            )
        }

        guard subscription.status != .canceled else {
            throw RPCError.notFound("company", companyID)
        }
        return subscription
    }
}
