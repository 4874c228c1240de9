import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

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

    /// Builds the error for an expired token, naming what to do next for the user as they are now. After
    /// a join token, an active user needs a key, not another invitation, a deactivated one needs
    /// reactivating, and an invited one the newest invitation or a new one. Only an owner helps an owner.
    static func expiredToken(
        _ row: Row,
        invitationID: String,
        purpose: Invitations.Purpose,
        atMs now: Int64,
        in connection: Connection
    ) throws -> RPCError {
        let userID = try row.requireString("user_id")
        let user = try connection.queryOne("SELECT status, role FROM users WHERE id = ?", [.text(userID)])
        let helper = helper(forRole: user?.string("role"))
        let details: JSONValue = ["invitation_id": .string(invitationID)]

        // A recovery token is for an active user by design, so only a join token's user status matters.
        switch purpose == .join ? user?.string("status") : nil {
        case UserStatus.active.rawValue?:
            return RPCError(
                .failedPrecondition,
                "invitation \(invitationID) has expired, and your account is active already; call with your API "
                    + "key, or if none works, ask \(helper) to mail you a new invitation with "
                    + "users.recoverAccess",
                details: details
            )
        case UserStatus.deactivated.rawValue?:
            return RPCError(
                .failedPrecondition,
                "invitation \(invitationID) has expired, and your account is deactivated; ask \(helper) to "
                    + "reactivate it with users.reactivate",
                details: details
            )
        default:
            break
        }

        // A fresh invitation expires the earlier ones, so another live one of the user replaced this one.
        let replaced = try connection.queryOne(
            "SELECT 1 AS live FROM invitations WHERE user_id = ? AND purpose = ? AND id != ? AND expires_at_ms > ? LIMIT 1",
            [.text(userID), .text(purpose.rawValue), .text(invitationID), .integer(now)]
        )
        if purpose == .join, replaced != nil {
            return RPCError(
                .failedPrecondition,
                "invitation \(invitationID) was replaced by a newer invitation, which was mailed to you; accept "
                    + "the token from the newest invitation email",
                details: details
            )
        }
        return expired(purpose, helper: helper)
    }

    /// Returns who can help a user of `role` back in. For an owner, only an owner or the operator can.
    static func helper(forRole role: String?) -> String {
        role == Role.owner.rawValue
            ? "an owner of your company or the platform operator" : "an admin or owner of your company"
    }

    /// Returns who can help user `userID` back in, by their role.
    static func helper(forUser userID: String, in connection: Connection) throws -> String {
        let user = try connection.queryOne("SELECT role FROM users WHERE id = ?", [.text(userID)])
        return helper(forRole: user?.string("role"))
    }

    /// Builds the error for an expired token, naming the way to a new one and `helper`, who can send it.
    static func expired(_ purpose: Invitations.Purpose, helper: String = "an admin or owner of your company")
        -> RPCError
    {
        switch purpose {
        case .join:
            return RPCError(
                .failedPrecondition, "invitation has expired; ask \(helper) to invite you again")
        case .recovery:
            return RPCError(
                .failedPrecondition,
                "recovery invitation has expired or a newer one replaced it; use the newest one mailed to you, or "
                    + "ask \(helper) to call users.recoverAccess again"
            )
        }
    }
}
