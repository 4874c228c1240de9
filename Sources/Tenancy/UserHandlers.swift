import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

/// The `users.*` methods: invitations, reads, roles, deactivation and access recovery.
enum UserHandlers {
    static func register(into methods: inout MethodTable, env: ServiceEnvironment) {
        registerInvite(into: &methods, env: env)
        registerReads(into: &methods, env: env)
        registerSetRole(into: &methods, env: env)
        registerActivation(into: &methods, env: env)
        registerRecovery(into: &methods, env: env)
    }

    /// Only owners (and root) may create, change or remove owners.
    static func requireOwnerPower(_ caller: Caller, for action: String, method: String) throws {
        if caller.isPrivileged {
            return
        }
        let role = try TenancyAccess.userRole(caller)
        guard role == .owner else {
            throw RPCError(
                .permissionDenied,
                "only an owner may \(action); ask an owner of your company",
                details: ["method": .string(method), "required_role": "owner", "role": .string(role.rawValue)]
            )
        }
    }

    /// Refuses a change that would leave the company without an active owner.
    static func keepActiveOwner(_ user: UserRecord, staysActiveOwner: Bool, in connection: Connection) throws {
        guard user.role == .owner, user.status == .active, !staysActiveOwner else {
            return
        }
        let others =
            try connection.scalarInt(
                "SELECT COUNT(*) FROM users WHERE company_id = ? AND role = 'owner' AND status = 'active' AND id != ?",
                [.text(user.companyID), .text(user.id)]
            ) ?? 0
        guard others > 0 else {
            throw RPCError(
                .failedPrecondition,
                "user \(user.id) is the company's last active owner; make another user owner first",
                details: ["user_id": .string(user.id)]
            )
        }
    }

    /// Refuses a new seat past the tier's user limit. Call it inside the write that takes the seat: it
    /// also publishes the usage warning that seat fires, if any.
    static func requireSeat(_ company: CompanyRecord, atMs now: Int64, in connection: Connection) throws {
        guard let maximum = company.tier.maximumUsers else {
            return
        }
        let seats = try CompanyUsage.seats(company.id, atMs: now, in: connection)
        guard seats < maximum else {
            throw RPCError(
                .resourceExhausted,
                "company \(company.id) has \(seats) of \(maximum) users allowed on the \(company.tier.displayName) tier (invited users count until their invitation expires); deactivate a user or upgrade the tier",
                details: [
                    "reason": "tier_limit", "limit": "users", "allowed": .int(Int64(maximum)),
                    "current": .int(Int64(seats)), "tier": .string(company.tier.rawValue),
                ]
            )
        }
        try UsageWarnings.unitTaken(
            "users", company: company, current: Int64(seats), allowed: maximum, atMs: now, in: connection
        )
    }
}
