import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

extension UserHandlers {
    static func registerRecovery(into methods: inout MethodTable, env: ServiceEnvironment) {
        methods.register(
            "users.recoverAccess",
            summary:
                "Mails an active user a single-use invitation that gives a new API key, for a user who lost every key; the user's keys stay as they are; idempotent by meta.idempotency_key.",
            scope: .company
        ) { (params: UserIDParams, context) -> InviteResult in
            let caller = try TenancyAccess.require(context, method: context.method)
            let now = env.clock.nowMs()

            return try await IdempotentWrite.run(
                params, companyID: params.companyID, caller: caller, atMs: now, context: context, env: env
            ) { company, connection in
                try recoverAccess(params.userID, of: company, caller: caller, atMs: now, in: connection)
            }
        }
    }

    /// Creates a recovery invitation for active user `userID` and publishes
    /// `user.access_recovery_issued` carrying its token. The user's keys, role and status stay as they are.
    static func recoverAccess(
        _ userID: String,
        of company: CompanyRecord,
        caller: Caller,
        atMs now: Int64,
        in connection: Connection
    ) throws -> InviteResult {
        let user = try UserRecord.require(userID, companyID: company.id, in: connection)
        // Handing out a key to an owner takes the same power as deactivating one.
        if user.role == .owner {
            try requireOwnerPower(caller, for: "recover an owner's access", method: "users.recoverAccess")
        }
        try requireRecoverable(user)

        // The newest recovery invitation is the only one that works: earlier ones stop, accepted or not,
        // so a resent older token cannot replace the key a later one gave.
        try Invitations.expireRecoveries(userID: user.id, atMs: now, in: connection)
        let requestedBy = CompanyHandlers.actorName(caller)
        let invitation = try Invitations.create(
            companyID: company.id, userID: user.id, invitedBy: requestedBy, purpose: .recovery, atMs: now,
            in: connection
        )

        try AuditLog.record(
            connection: connection, companyID: company.id, actor: caller, action: "users.recoverAccess",
            targetType: "invitation", targetID: invitation.invitationID, before: nil,
            after: [
                "user_id": .string(user.id), "purpose": .string(Invitations.Purpose.recovery.rawValue),
                "expires_at_ms": .int(invitation.expiresAtMs),
            ],
            atMs: now
        )
        try connection.publish(
            EventTopic.userAccessRecoveryIssued,
            [
                "company_id": .string(company.id), "user_id": .string(user.id), "email": .string(user.email),
                "name": .string(user.name), "role": .string(user.role.rawValue), "invitation": invitation.eventJSON,
                "requested_by": .string(requestedBy), "at_ms": .int(now),
            ],
            atMs: now
        )
        return InviteResult(user: user.view, invitation: invitation.view)
    }

    /// Rejects users whose way back is another method: invited users never had a key, and deactivated
    /// ones must be reactivated first.
    private static func requireRecoverable(_ user: UserRecord) throws {
        let details: JSONValue = ["user_id": .string(user.id), "status": .string(user.status.rawValue)]
        switch user.status {
        case .active:
            return
        case .invited:
            throw RPCError(
                .failedPrecondition,
                "user \(user.id) is invited and has not accepted an invitation yet, so there is no access to recover; "
                    + "call users.invite with the user's email to send a fresh invitation",
                details: details
            )
        case .deactivated:
            throw RPCError(
                .failedPrecondition,
                "user \(user.id) is deactivated; reactivate the user with users.reactivate first, then call "
                    + "users.recoverAccess if the user still has no working key",
                details: details
            )
        }
    }
}
