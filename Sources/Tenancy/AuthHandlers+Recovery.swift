import MeshProtocol
import MeshRuntime
import MeshStore

extension AuthHandlers {
    /// Accepts a recovery invitation from `users.recoverAccess`: the active user gets a new key and keeps
    /// role, status and every other key. No `user.activated` follows, since the user already was.
    static func acceptRecovery(
        invitationID: String,
        user: UserRecord,
        atMs now: Int64,
        in connection: Connection
    ) throws -> AcceptInvitationResult {
        guard user.status == .active else {
            throw RPCError(
                .failedPrecondition,
                "user \(user.id) is \(user.status.rawValue), so this recovery invitation cannot be accepted; "
                    + "ask an admin of your company to reactivate you and then call users.recoverAccess again",
                details: ["user_id": .string(user.id), "status": .string(user.status.rawValue)]
            )
        }

        try claim(invitationID, atMs: now, in: connection)
        let (key, actor) = try issueKey(
            to: user, invitationID: invitationID, purpose: .recovery, atMs: now, in: connection)
        try AuditLog.record(
            connection: connection, companyID: user.companyID, actor: actor, action: "auth.acceptInvitation",
            targetType: "api_key", targetID: key.keyID, before: nil,
            after: [
                "prefix": .string(key.prefix), "user_id": .string(user.id), "invitation_id": .string(invitationID),
            ],
            atMs: now
        )
        return AcceptInvitationResult(apiKey: key.apiKey, keyID: key.keyID, user: user.view, companyID: user.companyID)
    }

    /// Reads the `purpose` column of an invitation row.
    static func invitationPurpose(_ row: Row, invitationID: String) throws -> Invitations.Purpose {
        let name = try row.requireString("purpose")
        guard let purpose = Invitations.Purpose(rawValue: name) else {
            throw RPCError(
                .internal,
                "invitation \(invitationID) contains an invalid purpose '\(name.clipped)'; repair the invitations row"
            )
        }
        return purpose
    }

    /// Builds the error for an expired token, naming what to do next. A token accepted before it expired
    /// belongs to an active user, who needs a key, not another invitation. A join token that a later
    /// invitation replaced points to that one.
    static func expiredToken(
        _ row: Row,
        invitationID: String,
        purpose: Invitations.Purpose,
        atMs now: Int64,
        in connection: Connection
    ) throws -> RPCError {
        if row.int("used_at_ms") != nil {
            return RPCError(
                .failedPrecondition,
                "invitation \(invitationID) was accepted and has expired since; call with the API key it gave you, "
                    + "or if none works, ask an admin or owner of your company to mail you a new invitation with "
                    + "users.recoverAccess",
                details: ["invitation_id": .string(invitationID)]
            )
        }

        // A fresh invitation expires the earlier ones, so another live one of the user replaced this one.
        let replaced = try connection.queryOne(
            "SELECT 1 AS live FROM invitations WHERE user_id = ? AND purpose = ? AND id != ? AND expires_at_ms > ? LIMIT 1",
            [
                .text(try row.requireString("user_id")), .text(purpose.rawValue), .text(invitationID),
                .integer(now),
            ]
        )
        if purpose == .join, replaced != nil {
            return RPCError(
                .failedPrecondition,
                "invitation \(invitationID) was replaced by a newer invitation, which was mailed to you; accept "
                    + "the token from the newest invitation email",
                details: ["invitation_id": .string(invitationID)]
            )
        }
        return expired(purpose)
    }

    /// Builds the error for an expired token, naming the way to a new one.
    static func expired(_ purpose: Invitations.Purpose) -> RPCError {
        switch purpose {
        case .join:
            return RPCError(.failedPrecondition, "invitation has expired; ask an admin to invite you again")
        case .recovery:
            return RPCError(
                .failedPrecondition,
                "recovery invitation has expired or a newer one replaced it; use the newest one mailed to you, or "
                    + "ask an admin or owner of your company to call users.recoverAccess again"
            )
        }
    }
}
