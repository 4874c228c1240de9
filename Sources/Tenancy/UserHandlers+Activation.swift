import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

extension UserHandlers {
    static func registerActivation(into methods: inout MethodTable, env: ServiceEnvironment) {
        methods.register(
            "users.deactivate",
            summary:
                "Frees a user's seat; the gateway refuses the user's keys until reactivation; idempotent by meta.idempotency_key.",
            scope: .company
        ) { (params: UserIDParams, context) -> UserView in
            let caller = try TenancyAccess.require(context, method: context.method)
            let now = env.clock.nowMs()

            return try await IdempotentWrite.run(
                params, companyID: params.companyID, caller: caller, atMs: now, context: context, env: env
            ) { _, connection in
                try deactivate(params, caller: caller, atMs: now, in: connection)
            }
        }

        methods.register(
            "users.reactivate",
            summary:
                "Gives a deactivated user a seat again, within the tier's user limit; idempotent by meta.idempotency_key.",
            scope: .company
        ) { (params: UserIDParams, context) -> UserView in
            let caller = try TenancyAccess.require(context, method: context.method)
            let now = env.clock.nowMs()

            return try await IdempotentWrite.run(
                params, companyID: params.companyID, caller: caller, atMs: now, context: context, env: env
            ) { _, connection in
                try reactivate(params, caller: caller, atMs: now, in: connection)
            }
        }
    }

    static func deactivate(_ params: UserIDParams, caller: Caller, atMs now: Int64, in connection: Connection) throws
        -> UserView
    {
        let company = try TenancyAccess.company(params.companyID, in: connection, for: caller)
        let user = try UserRecord.require(params.userID, companyID: company.id, in: connection)
        if user.role == .owner {
            try requireOwnerPower(caller, for: "deactivate an owner", method: "users.deactivate")
        }
        guard user.status != .deactivated else {
            throw RPCError(.failedPrecondition, "user \(user.id) is already deactivated; nothing changed")
        }
        try keepActiveOwner(user, staysActiveOwner: false, in: connection)

        return try changeStatus(
            user, to: .deactivated, topic: EventTopic.userDeactivated, action: "users.deactivate", caller: caller,
            atMs: now, in: connection)
    }

    /// Reactivates a deactivated user. A user who once accepted an invitation comes back active. One who
    /// never did comes back invited, and their invitation works again until it expires. One whose
    /// invitation has expired takes no seat, like any invited user after the expiry. The tier's user
    /// limit is therefore not checked, and `users.invite` sends a new invitation within the limit.
    static func reactivate(_ params: UserIDParams, caller: Caller, atMs now: Int64, in connection: Connection) throws
        -> UserView
    {
        let company = try TenancyAccess.company(params.companyID, in: connection, for: caller)
        let user = try UserRecord.require(params.userID, companyID: company.id, in: connection)
        if user.role == .owner {
            try requireOwnerPower(caller, for: "reactivate an owner", method: "users.reactivate")
        }
        guard user.status == .deactivated else {
            throw RPCError(
                .failedPrecondition, "user \(user.id) is \(user.status.rawValue), not deactivated; nothing changed")
        }

        // A recovery token mailed before the deactivation stays unusable: the user asks for a new one.
        try Invitations.expireRecoveries(userID: user.id, atMs: now, in: connection)
        let accepted =
            try connection.queryOne(
                "SELECT 1 FROM invitations WHERE user_id = ? AND used_at_ms IS NOT NULL", [.text(user.id)]
            ) != nil
        if try accepted || Invitations.hasLive(userID: user.id, atMs: now, in: connection) {
            try requireSeat(company, atMs: now, in: connection)
        }
        return try changeStatus(
            user, to: accepted ? .active : .invited, topic: EventTopic.userReactivated, action: "users.reactivate",
            caller: caller, atMs: now, in: connection)
    }

    private static func changeStatus(
        _ user: UserRecord,
        to status: UserStatus,
        topic: String,
        action: String,
        caller: Caller,
        atMs now: Int64,
        in connection: Connection
    ) throws -> UserView {
        var changed = user
        changed.status = status
        changed.updatedAtMs = now
        try connection.execute(
            "UPDATE users SET status = ?, updated_at_ms = ? WHERE id = ?",
            [.text(status.rawValue), .integer(now), .text(user.id)]
        )

        try AuditLog.record(
            connection: connection, companyID: user.companyID, actor: caller, action: action, targetType: "user",
            targetID: user.id, before: user.view.json, after: changed.view.json, atMs: now
        )
        try connection.publish(
            topic,
            ["company_id": .string(user.companyID), "user_id": .string(user.id), "at_ms": .int(now)],
            atMs: now
        )
        return changed.view
    }
}
