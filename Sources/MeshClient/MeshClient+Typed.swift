import MeshProtocol

extension MeshClient {
    /// Provisions a company (root key). Returns `company`, `owner` and `invitation` (without its token,
    /// which reaches the admin by email).
    public func provisionCompany(
        name: String,
        adminEmail: String,
        adminName: String,
        tier: String = "basic",
        idempotencyKey: String
    ) async throws(RPCError) -> JSONValue {
        try await call(
            "companies.provision",
            [
                "name": .string(name), "admin_email": .string(adminEmail), "admin_name": .string(adminName),
                "tier": .string(tier),
            ],
            idempotencyKey: idempotencyKey
        )
    }

    /// Exchanges an invitation token for an API key, shown once.
    public func acceptInvitation(token: String) async throws(RPCError) -> JSONValue {
        try await call("auth.acceptInvitation", ["token": .string(token)])
    }

    /// Returns the company. A company-scoped helper's `companyID` may be nil with a user's key, since the
    /// gateway then fills in the key's own company; root names the company.
    public func company(_ companyID: String? = nil) async throws(RPCError) -> JSONValue {
        try await call("companies.get", Self.companyParams(companyID))
    }

    public func changeTier(companyID: String? = nil, to tier: String, idempotencyKey: String? = nil)
        async throws(RPCError) -> JSONValue
    {
        try await call(
            "companies.changeTier", Self.companyParams(companyID, ["tier": .string(tier)]),
            idempotencyKey: idempotencyKey)
    }

    /// Suspends the company; `reactivateAtMs` schedules its reactivation.
    public func suspend(
        companyID: String? = nil,
        reason: String? = nil,
        reactivateAtMs: Int64? = nil,
        idempotencyKey: String? = nil
    ) async throws(RPCError) -> JSONValue {
        var params = Self.companyFields(companyID)
        if let reason {
            params["reason"] = .string(reason)
        }
        if let reactivateAtMs {
            params["reactivate_at_ms"] = .int(reactivateAtMs)
        }
        return try await call("companies.suspend", .object(params), idempotencyKey: idempotencyKey)
    }

    public func reactivate(companyID: String? = nil, idempotencyKey: String? = nil) async throws(RPCError)
        -> JSONValue
    {
        try await call("companies.reactivate", Self.companyParams(companyID), idempotencyKey: idempotencyKey)
    }

    public func inviteUser(
        companyID: String? = nil,
        email: String,
        name: String,
        role: String = "member",
        idempotencyKey: String? = nil
    ) async throws(RPCError) -> JSONValue {
        try await call(
            "users.invite",
            Self.companyParams(companyID, ["email": .string(email), "name": .string(name), "role": .string(role)]),
            idempotencyKey: idempotencyKey
        )
    }

    public func subscription(companyID: String? = nil) async throws(RPCError) -> JSONValue {
        try await call("billing.subscription", Self.companyParams(companyID))
    }

    /// Returns the company's report over the last `days` days (capped by the tier's reporting history),
    /// or over the tier's default window when `days` is nil. Its teams come in pages of `teamsLimit`
    /// (1,000 when nil); pass a report's `teams_next_cursor` as `teamsCursor` for the teams after it.
    public func companyReport(
        companyID: String? = nil, days: Int? = nil, teamsLimit: Int? = nil, teamsCursor: String? = nil
    ) async throws(RPCError) -> JSONValue {
        var fields: [String: JSONValue] = [:]
        if let days {
            fields["days"] = .int(Int64(days))
        }
        if let teamsLimit {
            fields["teams_limit"] = .int(Int64(teamsLimit))
        }
        if let teamsCursor {
            fields["teams_cursor"] = .string(teamsCursor)
        }
        return try await call("analytics.companyReport", .object(Self.companyFields(companyID, fields)))
    }

    public func systemOverview() async throws(RPCError) -> JSONValue {
        try await call("analytics.systemOverview", [:])
    }

    /// Returns a page of the company's messages, newest first: at most `limit` (50 when nil), after
    /// `cursor`, the `next_cursor` of the page before.
    public func notifications(companyID: String? = nil, limit: Int? = nil, cursor: String? = nil)
        async throws(RPCError) -> JSONValue
    {
        var fields: [String: JSONValue] = [:]
        if let limit {
            fields["limit"] = .int(Int64(limit))
        }
        if let cursor {
            fields["cursor"] = .string(cursor)
        }
        return try await call("notifications.list", .object(Self.companyFields(companyID, fields)))
    }

    /// Returns `fields` with `company_id` added when `companyID` is given.
    private static func companyFields(_ companyID: String?, _ fields: [String: JSONValue] = [:]) -> [String: JSONValue]
    {
        var params = fields
        if let companyID {
            params["company_id"] = .string(companyID)
        }
        return params
    }

    private static func companyParams(_ companyID: String?, _ fields: [String: JSONValue] = [:]) -> JSONValue {
        .object(companyFields(companyID, fields))
    }
}
