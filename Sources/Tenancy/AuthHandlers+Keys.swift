import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

extension AuthHandlers {
    static func registerKeys(into methods: inout MethodTable, env: ServiceEnvironment) {
        methods.register(
            "auth.createKey",
            summary: "Creates another API key for the calling user (shown once).",
            scope: .company
        ) { (params: CreateKeyParams, context) -> CreateKeyResult in
            let caller = try TenancyAccess.require(context, method: context.method)
            guard caller.kind == .user, let companyID = caller.companyID, let userID = caller.userID else {
                throw RPCError(
                    .failedPrecondition,
                    "auth.createKey makes a key for the calling user; call it with a user's API key")
            }
            // A retry could not return the secret, which is never stored, so a key that would be ignored
            // is refused rather than letting a retry make a second key.
            guard context.meta.idempotencyKey == nil else {
                throw RPCError.invalidArgument(
                    field: "meta.idempotency_key",
                    "auth.createKey takes no idempotency key: a new key's secret is shown once and never stored, so a "
                        + "retry could not return it; call it without the key, and after a lost reply find the "
                        + "unused key with auth.listKeys and revoke it with auth.revokeKey")
            }
            let name = try params.name.map { try InputCheck.text($0, field: "name", maximum: 100) }
            let now = env.clock.nowMs()

            return try await env.store.write { connection in
                let company = try TenancyAccess.company(companyID, in: connection, for: caller)
                let user = try UserRecord.require(userID, companyID: company.id, in: connection)
                guard user.status == .active else {
                    throw RPCError(
                        .failedPrecondition, "user \(user.id) is \(user.status.rawValue); only active users get keys")
                }

                let key = try APIKeys.create(
                    companyID: company.id, userID: user.id, name: name, atMs: now, in: connection)
                try AuditLog.record(
                    connection: connection, companyID: company.id, actor: caller, action: "auth.createKey",
                    targetType: "api_key", targetID: key.keyID, before: nil,
                    after: ["prefix": .string(key.prefix), "user_id": .string(user.id)], atMs: now
                )
                let view = KeyView(
                    keyID: key.keyID, userID: user.id, prefix: key.prefix, name: name, createdAtMs: now,
                    revokedAtMs: nil)
                return CreateKeyResult(apiKey: key.apiKey, key: view)
            }
        }

        methods.register(
            "auth.listKeys",
            summary: "API keys without their secrets: the caller's own, or every key of the company for admins.",
            scope: .company
        ) { (params: ListKeysParams, context) -> KeyList in
            let caller = try TenancyAccess.require(context, method: context.method)
            let companyID = try companyID(params.companyID, caller: caller)
            let seesAll = try caller.isPrivileged || TenancyAccess.userRole(caller) >= .admin
            // Users below admin see their own keys whatever user_id they pass.
            let userFilter = seesAll ? params.userID : caller.userID

            return try await env.store.read { connection in
                let company = try TenancyAccess.company(companyID, in: connection, for: caller)
                let rows = try connection.query(
                    """
                    SELECT \(KeyView.columns) FROM api_keys WHERE company_id = ? AND (? IS NULL OR user_id = ?)
                    ORDER BY created_at_ms, id
                    """,
                    [.text(company.id), SQLValue(userFilter), SQLValue(userFilter)]
                )
                return KeyList(keys: try rows.map { try KeyView(row: $0) })
            }
        }

        methods.register(
            "auth.revokeKey",
            summary:
                "Revokes an API key: the caller's own, any key of the company for owners, and any but an owner's for admins.",
            scope: .company
        ) { (params: RevokeKeyParams, context) -> KeyView in
            let caller = try TenancyAccess.require(context, method: context.method)
            guard !params.keyID.allSatisfy(\.isWhitespace) else {
                throw RPCError.invalidArgument(
                    field: "key_id",
                    "key_id is empty; pass the key_id of the key to revoke, as auth.listKeys returns it")
            }
            let companyID = try companyID(params.companyID, caller: caller)
            let now = env.clock.nowMs()

            return try await env.store.write { connection in
                try revoke(params.keyID, companyID: companyID, caller: caller, atMs: now, in: connection)
            }
        }
    }

    static func revoke(_ keyID: String, companyID: String, caller: Caller, atMs now: Int64, in connection: Connection)
        throws -> KeyView
    {
        let company = try TenancyAccess.company(companyID, in: connection, for: caller)
        let row = try connection.queryOne(
            "SELECT \(KeyView.columns) FROM api_keys WHERE id = ? AND company_id = ?",
            [.text(keyID), .text(company.id)]
        )
        guard let row else {
            throw RPCError.notFound("API key", keyID)
        }
        var key = try KeyView(row: row)

        let mayRevokeAny = try caller.isPrivileged || TenancyAccess.userRole(caller) >= .admin
        guard mayRevokeAny || key.userID == caller.userID else {
            // Keys of colleagues are invisible to members, as in auth.listKeys.
            throw RPCError.notFound("API key", keyID)
        }
        // Taking an owner's key away takes the same power as deactivating the owner. Checked before the
        // no-change reply too, so only an owner learns anything from a call on an owner's key.
        if key.userID != caller.userID {
            let holder = try UserRecord.require(key.userID, companyID: company.id, in: connection)
            if holder.role == .owner {
                try UserHandlers.requireOwnerPower(caller, for: "revoke an owner's key", method: "auth.revokeKey")
            }
        }
        guard key.revokedAtMs == nil else {
            return key
        }

        try connection.execute("UPDATE api_keys SET revoked_at_ms = ? WHERE id = ?", [.integer(now), .text(keyID)])
        key.revokedAtMs = now
        try AuditLog.record(
            connection: connection, companyID: company.id, actor: caller, action: "auth.revokeKey",
            targetType: "api_key", targetID: keyID, before: ["revoked_at_ms": .null],
            after: ["revoked_at_ms": .int(now)], atMs: now
        )
        return key
    }
}
