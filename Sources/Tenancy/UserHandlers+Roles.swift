import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

extension UserHandlers {
    static func registerSetRole(into methods: inout MethodTable, env: ServiceEnvironment) {
        methods.register(
            "users.setRole",
            summary:
                "Changes a user's role; only owners grant or remove owner, and one active owner always remains; idempotent by meta.idempotency_key.",
            scope: .company
        ) { (params: SetRoleParams, context) -> UserView in
            let caller = try TenancyAccess.require(context, method: context.method)
            let role = try InputCheck.role(params.role)
            let now = env.clock.nowMs()

            return try await IdempotentWrite.run(
                params, companyID: params.companyID, caller: caller, atMs: now, context: context, env: env
            ) { _, connection in
                try setRole(params, role: role, caller: caller, atMs: now, in: connection)
            }
        }
    }

    static func setRole(_ params: SetRoleParams, role: Role, caller: Caller, atMs now: Int64, in connection: Connection)
        throws -> UserView
    {
        let company = try TenancyAccess.company(params.companyID, in: connection, for: caller)
        var user = try UserRecord.require(params.userID, companyID: company.id, in: connection)
        // Checked before the no-change reply too, so only an owner learns anything from a call on owners.
        if role == .owner || user.role == .owner {
            try requireOwnerPower(
                caller, for: role == .owner ? "make a user owner" : "change an owner's role", method: "users.setRole")
        }
        guard user.role != role else {
            return user.view
        }
        try keepActiveOwner(user, staysActiveOwner: false, in: connection)

        let before = user.view.json
        user.role = role
        user.updatedAtMs = now
        try connection.execute(
            "UPDATE users SET role = ?, updated_at_ms = ? WHERE id = ?",
            [.text(role.rawValue), .integer(now), .text(user.id)]
        )

        try AuditLog.record(
            connection: connection, companyID: company.id, actor: caller, action: "users.setRole", targetType: "user",
            targetID: user.id, before: before, after: user.view.json, atMs: now
        )
        try connection.publish(
            EventTopic.userUpdated,
            [
                "company_id": .string(company.id), "user_id": .string(user.id), "role": .string(role.rawValue),
                "at_ms": .int(now),
            ],
            atMs: now
        )
        return user.view
    }
}
