import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

extension CompanyHandlers {
    static func registerChangeTier(into methods: inout MethodTable, env: ServiceEnvironment) {
        methods.register(
            "companies.changeTier",
            summary:
                "Moves a company to another tier: upgrades at once, downgrades only within every target limit; idempotent by meta.idempotency_key.",
            scope: .company
        ) { (params: ChangeTierParams, context) -> ChangeTierResult in
            let caller = try TenancyAccess.require(context, method: context.method)
            let target = try Tier.parse(params.tier, field: "tier")
            let now = env.clock.nowMs()

            return try await IdempotentWrite.run(
                params, companyID: params.companyID, caller: caller, atMs: now, context: context, env: env
            ) { _, connection in
                try changeTier(params.companyID, to: target, caller: caller, atMs: now, in: connection)
            }
        }
    }

    static func changeTier(
        _ companyID: String,
        to target: Tier,
        caller: Caller,
        atMs now: Int64,
        in connection: Connection
    ) throws -> ChangeTierResult {
        var company = try TenancyAccess.company(companyID, in: connection, for: caller)
        let source = company.tier
        guard target != source else {
            throw RPCError(
                .failedPrecondition,
                "company \(company.id) is already on the \(source.displayName) tier; pick another tier",
                details: ["tier": .string(source.rawValue)]
            )
        }

        if target < source {
            let violations = try TierLimitCheck.violations(company, target: target, atMs: now, in: connection)
            if !violations.isEmpty {
                let list = violations.map { "\($0.limit) (\($0.action))" }.joined(separator: "; ")
                throw RPCError(
                    .failedPrecondition,
                    "company \(company.id) cannot move down to \(target.displayName): it is over \(violations.count == 1 ? "1 limit" : "\(violations.count) limits"): \(list)",
                    details: ["violations": try JSONValue(encoding: violations), "to_tier": .string(target.rawValue)]
                )
            }
        }

        company.tier = target
        company.updatedAtMs = now
        try company.save(in: connection)
        try AuditLog.record(
            connection: connection, companyID: company.id, actor: caller, action: "companies.changeTier",
            targetType: "company", targetID: company.id, before: ["tier": .string(source.rawValue)],
            after: ["tier": .string(target.rawValue)], atMs: now
        )
        try connection.publish(
            EventTopic.companyTierChanged,
            [
                "company_id": .string(company.id), "from_tier": .string(source.rawValue),
                "to_tier": .string(target.rawValue), "at_ms": .int(now),
            ],
            atMs: now
        )
        return ChangeTierResult(
            company: try CompanyView.make(company, atMs: now, in: connection), fromTier: source.rawValue,
            toTier: target.rawValue
        )
    }
}
