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

    public func company(_ companyID: String) async throws(RPCError) -> JSONValue {
        try await call("companies.get", ["company_id": .string(companyID)])
    }

    public func changeTier(companyID: String, to tier: String, idempotencyKey: String? = nil) async throws(RPCError)
        -> JSONValue
    {
        try await call(
            "companies.changeTier", ["company_id": .string(companyID), "tier": .string(tier)],
            idempotencyKey: idempotencyKey)
    }

    /// Suspends the company; `reactivateAtMs` schedules its reactivation.
    public func suspend(
        companyID: String,
        reason: String? = nil,
        reactivateAtMs: Int64? = nil,
        idempotencyKey: String? = nil
    ) async throws(RPCError) -> JSONValue {
        var params: [String: JSONValue] = ["company_id": .string(companyID)]
        if let reason {
            params["reason"] = .string(reason)
        }
        if let reactivateAtMs {
            params["reactivate_at_ms"] = .int(reactivateAtMs)
        }
        return try await call("companies.suspend", .object(params), idempotencyKey: idempotencyKey)
    }

    public func reactivate(companyID: String, idempotencyKey: String? = nil) async throws(RPCError) -> JSONValue {
        try await call("companies.reactivate", ["company_id": .string(companyID)], idempotencyKey: idempotencyKey)
    }

    public func inviteUser(
        companyID: String,
        email: String,
        name: String,
        role: String = "member",
        idempotencyKey: String? = nil
    ) async throws(RPCError) -> JSONValue {
        try await call(
            "users.invite",
            ["company_id": .string(companyID), "email": .string(email), "name": .string(name), "role": .string(role)],
            idempotencyKey: idempotencyKey
        )
    }

    public func subscription(companyID: String) async throws(RPCError) -> JSONValue {
        try await call("billing.subscription", ["company_id": .string(companyID)])
    }

    public func companyReport(companyID: String) async throws(RPCError) -> JSONValue {
        try await call("analytics.companyReport", ["company_id": .string(companyID)])
    }

    public func systemOverview() async throws(RPCError) -> JSONValue {
        try await call("analytics.systemOverview", [:])
    }

    public func notifications(companyID: String) async throws(RPCError) -> JSONValue {
        try await call("notifications.list", ["company_id": .string(companyID)])
    }
}
