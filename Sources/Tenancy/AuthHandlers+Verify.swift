import MeshProtocol
import MeshRuntime
import MeshStore

extension AuthHandlers {
    static func registerVerifyKey(into methods: inout MethodTable, env: ServiceEnvironment) {
        methods.register(
            "auth.verifyKey",
            summary: "Resolves an API key to its caller for the gateway; refuses unknown, revoked and inactive keys.",
            scope: .internal
        ) { (params: VerifyKeyParams, context) -> VerifyKeyResult in
            _ = try context.requireRoot()
            let apiKey = params.apiKey
            let now = env.clock.nowMs()
            var verified = try await env.store.read { connection in
                try verify(apiKey, now: now, in: connection)
            }

            // The background check reactivates a due company within a second. The company's own callers
            // should not meet the suspension in that second, so a due reactivation is applied here.
            if verified.reactivationDue {
                let companyID = verified.result.caller.companyID
                try await env.store.write(deadline: context.deadline) { connection in
                    try Reactivator.reactivateIfDue(companyID, now: now, in: connection)
                }
                env.eventsPublished()
                verified.result.companyStatus = .active
            }

            if verified.firstUse {
                let keyID = verified.result.caller.keyID
                do {
                    try await env.store.write(deadline: context.deadline) { connection in
                        try connection.execute(
                            "UPDATE api_keys SET first_used_at_ms = ? WHERE id = ? AND first_used_at_ms IS NULL",
                            [.integer(now), .text(keyID)]
                        )
                    }
                } catch {
                    // On a full or read-only disk the key still works for reads; its first use is
                    // recorded by a later call, once writes succeed again.
                    guard let storeError = error as? StoreError, storeError.isStorageFailure else {
                        throw error
                    }
                    env.logger.warning(
                        "auth.first_use_not_recorded", ["key_id": keyID, "error": storeError.description])
                }
            }
            return verified.result
        }
    }

    /// Resolves `apiKey` and reports whether this is the first time it is used, so the caller records
    /// that, and whether its company is suspended with a scheduled reactivation at or before `now`.
    static func verify(_ apiKey: String, now: Int64, in connection: Connection) throws -> (
        result: VerifyKeyResult, firstUse: Bool, reactivationDue: Bool
    ) {
        // One message for every rejection, so a caller learns nothing about which part was wrong.
        let rejected = RPCError(
            .unauthenticated,
            "API key is not valid: it is unknown, revoked, or its user or company is no longer active; "
                + "use another key of yours, or ask an admin or owner of your company to mail you a new invitation "
                + "with users.recoverAccess (or, for a deactivated user, to reactivate you with users.reactivate)"
        )
        // The gateway compares root keys itself, so one that reaches tenancy is not this mesh's. An
        // operator may choose a root key of any shape after tmr_, so it gets no message about shape.
        if apiKey.hasPrefix("tmr_") {
            throw RPCError(
                .unauthenticated,
                "the root key sent does not match this mesh's root key; use the key in the mesh home's root.key, "
                    + "or `mesh call`, which reads it",
                details: ["reason": "wrong_root_key"]
            )
        }
        guard let keyID = SecretToken.keyID(in: apiKey) else {
            // The shape of a key is no secret, so a malformed one gets its own message. The key itself
            // is not repeated, since it may be a real key cut short.
            throw RPCError(
                .unauthenticated,
                "the API key sent (\(apiKey.count) characters) is not one the mesh issues: a user's key is "
                    + "tmk_<key id>_<64 hex digits>, and the root key starts with tmr_; check that it was copied "
                    + "whole, from auth.acceptInvitation, auth.createKey or the mesh home's root.key",
                details: ["reason": "malformed_key"]
            )
        }

        let row = try connection.queryOne(
            """
            SELECT k.key_hash, k.revoked_at_ms, k.first_used_at_ms, u.id AS user_id, u.role, u.status AS user_status,
                c.id AS company_id, c.status AS company_status, c.tier, c.reactivate_at_ms
            FROM api_keys k JOIN users u ON u.id = k.user_id JOIN companies c ON c.id = k.company_id
            WHERE k.id = ?
            """,
            [.text(keyID)]
        )
        guard let row, SecretHash.constantTimeEquals(try row.requireString("key_hash"), SecretHash.sha256Hex(apiKey))
        else {
            throw rejected
        }
        // The caller has the key itself here, so naming a deleted company reveals nothing to a stranger.
        let companyStatus = row.string("company_status").flatMap(CompanyStatus.init(rawValue:))
        if companyStatus == .deleted {
            throw RPCError(
                .unauthenticated,
                "API key belongs to company \(row.string("company_id") ?? "?"), which was deleted with all its "
                    + "data and keys; no invitation can restore it, so ask a platform operator if the deletion "
                    + "was a mistake"
            )
        }
        guard row.int("revoked_at_ms") == nil, row.string("user_status") == UserStatus.active.rawValue,
            let companyStatus
        else {
            throw rejected
        }

        let result = VerifyKeyResult(
            caller: .init(
                kind: "user", companyID: try row.requireString("company_id"), userID: try row.requireString("user_id"),
                role: try row.requireString("role"), keyID: keyID
            ),
            companyStatus: companyStatus,
            companyTier: try row.requireString("tier")
        )
        let reactivationDue = companyStatus == .suspended && (row.int("reactivate_at_ms").map { $0 <= now } ?? false)
        return (result, row.int("first_used_at_ms") == nil, reactivationDue)
    }
}
