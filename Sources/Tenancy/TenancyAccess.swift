import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

/// The checks every tenancy method makes before touching a company's data.
///
/// The gateway applies the same permission table before routing; tenancy checks again so that a call
/// reaching the socket some other way gains nothing.
public enum TenancyAccess {
    /// Loads company `id` for `caller`.
    ///
    /// - Throws: NOT_FOUND for another company's id (so ids of other tenants leak nothing) and for a
    ///   deleted company; FAILED_PRECONDITION for a user of a suspended company. Root and mesh
    ///   processes pass the suspension check.
    public static func company(_ id: String, in connection: Connection, for caller: Caller) throws -> CompanyRecord {
        if !caller.isPrivileged && caller.companyID != id {
            throw RPCError.notFound("company", id)
        }

        guard let company = try CompanyRecord.load(id, in: connection), company.status != .deleted else {
            throw RPCError.notFound("company", id)
        }

        // A replay returns what was decided before the suspension, and IdempotentWrite lets nothing else run.
        if company.status == .suspended && !caller.isPrivileged && !caller.replayOnly {
            throw suspended(company)
        }
        if !caller.isPrivileged {
            try confirm(caller, in: connection)
        }
        return company
    }

    /// Checks that a user caller's key, status and role, as the gateway verified them, are still the
    /// stored ones. The gateway keeps a verified key for up to a second, so a call already on its way
    /// could otherwise act with a role its user lost a moment before.
    ///
    /// - Throws: UNAUTHENTICATED for a revoked key or a user no longer active, and a retryable
    ///   PERMISSION_DENIED for a role that changed, since a retry carries the new role.
    static func confirm(_ caller: Caller, in connection: Connection) throws {
        guard let userID = caller.userID else {
            return
        }

        let row = try connection.queryOne(
            """
            SELECT u.role, u.status, (SELECT revoked_at_ms FROM api_keys WHERE id = ?) AS key_revoked_at_ms
            FROM users u WHERE u.id = ?
            """,
            [caller.keyID.map { .text($0) } ?? .null, .text(userID)]
        )
        guard let row else {
            throw RPCError(
                .unauthenticated,
                "meta.caller names user \(userID), who does not exist; call through the gateway with an API key, "
                    + "which sets the caller"
            )
        }
        guard row.string("status") == UserStatus.active.rawValue, row.int("key_revoked_at_ms") == nil else {
            throw RPCError(
                .unauthenticated,
                "the API key of user \(userID) was revoked, or the user deactivated, while this call was on its "
                    + "way; use another key of yours, or ask an admin or owner of your company for access"
            )
        }

        let stored = row.string("role") ?? "?"
        guard stored == caller.role else {
            throw RPCError(
                .permissionDenied,
                "the role of user \(userID) changed from \(caller.role ?? "none") to \(stored) while this call was "
                    + "on its way, so it was not applied; retry it if the \(stored) role may make this call",
                details: ["role": .string(stored), "previous_role": .string(caller.role ?? "none")],
                retryAfterMs: 1_000,
                retryable: true
            )
        }
    }

    /// Builds the error a user of a suspended company gets on every call.
    static func suspended(_ company: CompanyRecord) -> RPCError {
        RPCError(
            .failedPrecondition,
            "company \(company.id) is suspended; its data is kept, and a platform operator can reactivate it",
            details: [
                "company_id": .string(company.id),
                "status": "suspended",
                "reactivate_at_ms": company.reactivateAtMs.map { .int($0) } ?? .null,
            ]
        )
    }

    /// Returns the verified caller when it may call `method` according to `Permissions`.
    ///
    /// Root and mesh processes may call every method. A user needs the method's minimum role.
    /// - Throws: UNAUTHENTICATED without a caller; PERMISSION_DENIED naming the role needed.
    @discardableResult
    public static func require(_ context: MethodContext, method: String) throws -> Caller {
        let caller = try context.requireCaller()
        if caller.replayOnly && !IdempotentMethods.all.contains(method) {
            throw Caller.noStoredResult
        }
        if caller.isPrivileged {
            return caller
        }

        if Permissions.rootOnly.contains(method) {
            throw RPCError(
                .permissionDenied,
                "\(method) is reserved for platform operators; call it with the root key",
                details: ["method": .string(method), "required_role": "root"]
            )
        }

        let role = try userRole(caller)
        let required = Permissions.requiredRole(method)
        guard Permissions.allows(role, method) else {
            throw RPCError(
                .permissionDenied,
                "\(method) needs \(required.requirement), but the caller's role is \(role.rawValue); ask an owner of the company to change the role or to make the call",
                details: [
                    "method": .string(method), "required_role": .string(required.rawValue),
                    "role": .string(role.rawValue),
                ]
            )
        }
        return caller
    }

    /// Returns the role of a user caller. Root and mesh processes have none.
    static func userRole(_ caller: Caller) throws -> Role {
        guard let name = caller.role, let role = Role(rawValue: name) else {
            throw RPCError(
                .permissionDenied,
                "the caller carries no valid company role ('\(caller.role ?? "none")'); call through the gateway with a user's API key"
            )
        }
        return role
    }
}
