import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

extension CompanyHandlers {
    static func registerProvision(into methods: inout MethodTable, env: ServiceEnvironment) {
        methods.register(
            "companies.provision",
            summary:
                "Creates a company, its owner (invited) and the owner's invitation; needs meta.idempotency_key.",
            scope: .root
        ) { (params: ProvisionParams, context) -> ProvisionResult in
            let caller = try TenancyAccess.require(context, method: context.method)
            let request = try ProvisionRequest(params)
            // Without a key, a retry after a lost reply would make a second company.
            guard let sent = context.meta.idempotencyKey else {
                throw RPCError(
                    .invalidArgument,
                    "companies.provision needs meta.idempotency_key (mesh call --idempotency-key KEY), so that a "
                        + "retry returns the first company instead of making a second; use a new key for each new "
                        + "company, such as a UUID or your own id for it",
                    details: ["field": "meta.idempotency_key"]
                )
            }
            let key = try Idempotency.validate(sent)
            let now = env.clock.nowMs()

            let result = try await env.store.write { connection in
                try provision(request, idempotencyKey: key, caller: caller, atMs: now, in: connection)
            }
            env.eventsPublished()
            return result
        }
    }

    /// Provisioning params after validation, in the normalized form that idempotency compares.
    struct ProvisionRequest: Sendable {
        var name: String
        var adminEmail: String
        var adminName: String
        var tier: Tier

        /// Checks every member and throws one INVALID_ARGUMENT listing all problems, so an operator
        /// fixes them in one go (each failed call also counts toward the provisioning alert).
        init(_ params: ProvisionParams) throws {
            var problems = ParamProblems()
            let name = problems.check { try InputCheck.text(params.name, field: "name") }
            let adminEmail = problems.check { try InputCheck.email(params.adminEmail, field: "admin_email") }
            let adminName = problems.check { try InputCheck.text(params.adminName, field: "admin_name") }
            let tier = problems.check { try params.tier.map { try Tier.parse($0, field: "tier") } ?? .basic }
            guard let name, let adminEmail, let adminName, let tier else {
                throw problems.combined(method: "companies.provision")
            }

            self.name = name
            self.adminEmail = adminEmail
            self.adminName = adminName
            self.tier = tier
        }

        var json: JSONValue {
            [
                "name": .string(name), "admin_email": .string(adminEmail), "admin_name": .string(adminName),
                "tier": .string(tier.rawValue),
            ]
        }
    }

    /// Creates everything a new company starts with, or replays the first result of `idempotencyKey`.
    static func provision(
        _ request: ProvisionRequest,
        idempotencyKey: String?,
        caller: Caller,
        atMs now: Int64,
        in connection: Connection
    ) throws -> ProvisionResult {
        let method = "companies.provision"
        if let idempotencyKey,
            let stored = try Idempotency.replay(
                method: method, key: idempotencyKey, request: request.json, in: connection)
        {
            return try JSONParser.parse(stored).decode(ProvisionResult.self)
        }

        let company = CompanyRecord(
            id: Identifier.make(prefix: "cmp"),
            name: request.name,
            keyPrefix: try KeyPrefix.unique(for: request.name, in: connection),
            tier: request.tier,
            status: .active,
            settings: CompanySettings.defaults(for: request.tier),
            createdAtMs: now,
            updatedAtMs: now
        )
        try company.insert(in: connection)

        let owner = UserRecord(
            id: Identifier.make(prefix: "usr"), companyID: company.id, email: request.adminEmail,
            name: request.adminName, role: .owner, status: .invited, atMs: now
        )
        try owner.insert(in: connection)
        let invitation = try Invitations.create(
            companyID: company.id, userID: owner.id, invitedBy: actorName(caller), atMs: now, in: connection
        )

        let result = ProvisionResult(
            company: try CompanyView.make(company, atMs: now, in: connection),
            owner: owner.view,
            invitation: invitation.view
        )
        let resultJSON = try JSONValue(encoding: result)
        try AuditLog.record(
            connection: connection, companyID: company.id, actor: caller, action: method, targetType: "company",
            targetID: company.id, before: nil, after: resultJSON, atMs: now
        )
        try connection.publish(
            EventTopic.companyProvisioned,
            [
                "company_id": .string(company.id),
                "name": .string(company.name),
                "key_prefix": .string(company.keyPrefix),
                "tier": .string(company.tier.rawValue),
                "status": "active",
                "created_at_ms": .int(now),
                "owner": ["user_id": .string(owner.id), "email": .string(owner.email), "name": .string(owner.name)],
                "invitation": invitation.eventJSON,
            ],
            atMs: now
        )

        if let idempotencyKey {
            try Idempotency.store(
                method: method, key: idempotencyKey, request: request.json, result: JSONWriter.string(resultJSON),
                atMs: now, in: connection
            )
        }
        return result
    }

    /// Returns the name invitations record for who acted: the user id, or the caller kind.
    static func actorName(_ caller: Caller) -> String {
        caller.userID ?? caller.kind.rawValue
    }
}
