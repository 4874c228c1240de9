import Foundation
import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

extension AuthHandlers {
    static func registerAcceptInvitation(into methods: inout MethodTable, env: ServiceEnvironment) {
        methods.register(
            "auth.acceptInvitation",
            summary:
                "Exchanges a single-use invitation token for an API key (shown once): an invited user's first key, or a new one from users.recoverAccess; until that key is used, the token may be sent again for a replacement.",
            scope: .anonymous
        ) { (params: AcceptInvitationParams, context) -> AcceptInvitationResult in
            let token = params.token.trimmingCharacters(in: .whitespacesAndNewlines)
            let now = env.clock.nowMs()

            let result = try await env.store.write { connection in
                try accept(token: token, atMs: now, in: connection)
            }
            env.eventsPublished()
            return result
        }
    }

    static func accept(token: String, atMs now: Int64, in connection: Connection) throws -> AcceptInvitationResult {
        let invalid = RPCError(
            .unauthenticated,
            "the invitation token is not valid; copy it again from the invitation email, or ask an admin to invite you again"
        )
        guard token.hasPrefix(SecretToken.invitationPrefix) else {
            throw invalid
        }
        let row = try connection.queryOne(
            """
            SELECT id, company_id, user_id, expires_at_ms, used_at_ms, key_id, purpose FROM invitations
            WHERE token_hash = ?
            """,
            [.text(SecretHash.sha256Hex(token))]
        )
        guard let row else {
            throw invalid
        }
        let invitationID = try row.requireString("id")
        let companyID = try row.requireString("company_id")
        let purpose = try invitationPurpose(row, invitationID: invitationID)

        // A deleted company no longer exists, which matters more than whether the token expired.
        if let record = try CompanyRecord.load(companyID, in: connection), record.status == .deleted {
            throw RPCError(
                .failedPrecondition,
                "this invitation is for company \(companyID), which was deleted with all its data, so it can no "
                    + "longer be accepted; ask a platform operator if the deletion was a mistake",
                details: ["company_id": .string(companyID), "status": "deleted"]
            )
        }
        guard now < (try row.requireInt("expires_at_ms")) else {
            throw try expiredToken(row, invitationID: invitationID, purpose: purpose, atMs: now, in: connection)
        }
        // A suspension whose scheduled end has passed ends here, as before any other write of the company.
        try Reactivator.reactivateIfDue(companyID, now: now, in: connection)
        if row.int("used_at_ms") != nil {
            return try acceptAgain(
                invitationID: invitationID, companyID: companyID, userID: try row.requireString("user_id"),
                keyID: row.string("key_id"), purpose: purpose, atMs: now, in: connection
            )
        }

        // A member of a suspended company may not start using it.
        let company = try TenancyAccess.company(
            companyID, in: connection, for: Caller(kind: .user, companyID: companyID))
        var user = try UserRecord.require(try row.requireString("user_id"), companyID: company.id, in: connection)
        if purpose == .recovery {
            return try acceptRecovery(invitationID: invitationID, user: user, atMs: now, in: connection)
        }
        guard user.status == .invited else {
            throw RPCError(
                .failedPrecondition,
                "user \(user.id) is \(user.status.rawValue), so this invitation cannot be accepted; ask "
                    + "\(helper(forRole: user.role.rawValue)) to reactivate you with users.reactivate"
            )
        }

        try claim(invitationID, atMs: now, in: connection)

        let before = user.view.json
        user.status = .active
        user.updatedAtMs = now
        try connection.execute(
            "UPDATE users SET status = 'active', updated_at_ms = ? WHERE id = ?", [.integer(now), .text(user.id)]
        )
        let (key, actor) = try issueKey(
            to: user, invitationID: invitationID, purpose: purpose, atMs: now, in: connection)
        try AuditLog.record(
            connection: connection, companyID: company.id, actor: actor, action: "auth.acceptInvitation",
            targetType: "user", targetID: user.id, before: before, after: user.view.json, atMs: now
        )
        try connection.publish(
            EventTopic.userActivated,
            ["company_id": .string(company.id), "user_id": .string(user.id), "at_ms": .int(now)],
            atMs: now
        )
        return AcceptInvitationResult(apiKey: key.apiKey, keyID: key.keyID, user: user.view, companyID: company.id)
    }

    /// Handles a second use of an accepted invitation's token. The first reply may have been lost,
    /// leaving the user active with a key no one received. While that key has never been used, it is revoked
    /// and a new one returned. Once the key has been used, its holder has it, and the token is spent.
    private static func acceptAgain(
        invitationID: String,
        companyID: String,
        userID: String,
        keyID: String?,
        purpose: Invitations.Purpose,
        atMs now: Int64,
        in connection: Connection
    ) throws -> AcceptInvitationResult {
        let spent = RPCError(
            .failedPrecondition,
            "invitation \(invitationID) has already been accepted and the API key it gave has been used or revoked "
                + "since, so the token is spent; call with an API key of yours, or if none works, ask "
                + "\(try helper(forUser: userID, in: connection)) to mail you a new invitation with "
                + "users.recoverAccess",
            details: ["invitation_id": .string(invitationID)]
        )
        guard let keyID,
            let keyRow = try connection.queryOne(
                "SELECT user_id FROM api_keys WHERE id = ? AND revoked_at_ms IS NULL AND first_used_at_ms IS NULL",
                [.text(keyID)]
            )
        else {
            throw spent
        }

        let company = try TenancyAccess.company(
            companyID, in: connection, for: Caller(kind: .user, companyID: companyID))
        let user = try UserRecord.require(try keyRow.requireString("user_id"), companyID: company.id, in: connection)
        guard user.status == .active else {
            throw spent
        }

        try connection.execute("UPDATE api_keys SET revoked_at_ms = ? WHERE id = ?", [.integer(now), .text(keyID)])
        let (key, actor) = try issueKey(
            to: user, invitationID: invitationID, purpose: purpose, atMs: now, in: connection)
        try AuditLog.record(
            connection: connection, companyID: company.id, actor: actor, action: "auth.acceptInvitation",
            targetType: "api_key", targetID: key.keyID, before: ["key_id": .string(keyID)],
            after: ["key_id": .string(key.keyID)], atMs: now
        )
        return AcceptInvitationResult(apiKey: key.apiKey, keyID: key.keyID, user: user.view, companyID: company.id)
    }

    /// Makes the key an invitation gives and records it on the invitation. Returns the key and the
    /// user as the caller its audit entry names.
    static func issueKey(
        to user: UserRecord,
        invitationID: String,
        purpose: Invitations.Purpose,
        atMs now: Int64,
        in connection: Connection
    ) throws -> (key: APIKeys.Issued, actor: Caller) {
        let key = try APIKeys.create(
            companyID: user.companyID, userID: user.id, name: purpose.keyName, atMs: now, in: connection)
        try connection.execute(
            "UPDATE invitations SET key_id = ? WHERE id = ?", [.text(key.keyID), .text(invitationID)])

        let actor = Caller(
            kind: .user, companyID: user.companyID, userID: user.id, role: user.role.rawValue, keyID: key.keyID)
        return (key, actor)
    }

    /// Marks invitation `invitationID` used. The check of used_at_ms in the same statement keeps the token
    /// single-use under any interleaving.
    static func claim(_ invitationID: String, atMs now: Int64, in connection: Connection) throws {
        try connection.execute(
            "UPDATE invitations SET used_at_ms = ? WHERE id = ? AND used_at_ms IS NULL",
            [.integer(now), .text(invitationID)]
        )
        guard connection.changes == 1 else {
            throw RPCError(
                .failedPrecondition, "invitation \(invitationID) has already been used; use the API key it gave")
        }
    }
}
