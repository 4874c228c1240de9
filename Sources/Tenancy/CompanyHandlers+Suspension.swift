import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

extension CompanyHandlers {
    static func registerSuspension(into methods: inout MethodTable, env: ServiceEnvironment) {
        methods.register(
            "companies.suspend",
            summary:
                "Blocks a company's users on every call, keeping its data; optionally until a given time; idempotent by meta.idempotency_key.",
            scope: .root
        ) { (params: SuspendParams, context) -> CompanyView in
            let caller = try TenancyAccess.require(context, method: context.method)
            let now = env.clock.nowMs()

            return try await IdempotentWrite.run(
                params, companyID: params.companyID, caller: caller, atMs: now, context: context, env: env
            ) { company, connection in
                // A suspended company cannot take new terms, whatever they are, so that comes first.
                try requireSuspendable(company)
                let reason = try params.reason.map { try InputCheck.text($0, field: "reason", maximum: 500) }
                // Checked only for a new call: a retry gets the first result even once the time has passed.
                if let reactivateAtMs = params.reactivateAtMs, reactivateAtMs <= now {
                    throw RPCError.invalidArgument(
                        field: "reactivate_at_ms",
                        "reactivate_at_ms \(reactivateAtMs) is not in the future (now is \(now)); pass a later time or omit it"
                    )
                }
                if let reactivateAtMs = params.reactivateAtMs, reactivateAtMs > MeshClock.validTimes.upperBound {
                    throw RPCError.invalidArgument(
                        field: "reactivate_at_ms",
                        "reactivate_at_ms \(reactivateAtMs) is after the end of the year 9999, which the mesh's clock never "
                            + "reaches; pass an earlier time, or omit it and reactivate with companies.reactivate"
                    )
                }
                return try suspend(
                    params.companyID, reason: reason, reactivateAtMs: params.reactivateAtMs, caller: caller, atMs: now,
                    in: connection)
            }
        }

        methods.register(
            "companies.reactivate",
            summary: "Lifts a company's suspension; idempotent by meta.idempotency_key.",
            scope: .root
        ) { (params: CompanyIDParams, context) -> CompanyView in
            let caller = try TenancyAccess.require(context, method: context.method)
            let now = env.clock.nowMs()

            return try await IdempotentWrite.run(
                params, companyID: params.companyID, caller: caller, atMs: now, context: context, env: env
            ) { company, connection in
                guard company.status == .suspended else {
                    throw RPCError(
                        .failedPrecondition,
                        "company \(company.id) is \(company.status.rawValue), not suspended (a scheduled reactivation "
                            + "applies by itself once its time passes); there is nothing to reactivate"
                    )
                }
                return try CompanyView.make(
                    try reactivate(company, automatic: false, caller: caller, atMs: now, in: connection), atMs: now,
                    in: connection
                )
            }
        }
    }

    /// Throws FAILED_PRECONDITION unless `company` is active, the only status a suspension starts from.
    static func requireSuspendable(_ company: CompanyRecord) throws {
        guard company.status == .active else {
            throw RPCError(
                .failedPrecondition,
                "company \(company.id) is already suspended; reactivate it first to suspend it with new terms"
            )
        }
    }

    static func suspend(
        _ companyID: String,
        reason: String?,
        reactivateAtMs: Int64?,
        caller: Caller,
        atMs now: Int64,
        in connection: Connection
    ) throws -> CompanyView {
        var company = try TenancyAccess.company(companyID, in: connection, for: caller)
        try requireSuspendable(company)

        company.status = .suspended
        company.suspendedAtMs = now
        company.reactivateAtMs = reactivateAtMs
        company.suspendReason = reason
        company.updatedAtMs = now
        try company.save(in: connection)

        let reactivation: JSONValue = reactivateAtMs.map { .int($0) } ?? .null
        try AuditLog.record(
            connection: connection, companyID: company.id, actor: caller, action: "companies.suspend",
            targetType: "company", targetID: company.id, before: ["status": "active"],
            after: [
                "status": "suspended", "reason": reason.map { .string($0) } ?? .null, "reactivate_at_ms": reactivation,
            ],
            atMs: now
        )
        try connection.publish(
            EventTopic.companySuspended,
            [
                "company_id": .string(company.id), "reason": reason.map { .string($0) } ?? .null,
                "reactivate_at_ms": reactivation, "at_ms": .int(now),
            ],
            atMs: now
        )
        return try CompanyView.make(company, atMs: now, in: connection)
    }

    /// Makes a suspended company active again; `automatic` marks a reactivation the schedule did.
    static func reactivate(
        _ suspended: CompanyRecord,
        automatic: Bool,
        caller: Caller,
        atMs now: Int64,
        in connection: Connection
    ) throws -> CompanyRecord {
        var company = suspended
        company.status = .active
        company.suspendedAtMs = nil
        company.reactivateAtMs = nil
        company.suspendReason = nil
        company.updatedAtMs = now
        try company.save(in: connection)

        try AuditLog.record(
            connection: connection, companyID: company.id, actor: caller, action: "companies.reactivate",
            targetType: "company", targetID: company.id, before: ["status": "suspended"],
            after: ["status": "active", "automatic": .bool(automatic)], atMs: now
        )
        try connection.publish(
            EventTopic.companyReactivated,
            ["company_id": .string(company.id), "at_ms": .int(now), "automatic": .bool(automatic)],
            atMs: now
        )
        return company
    }
}
