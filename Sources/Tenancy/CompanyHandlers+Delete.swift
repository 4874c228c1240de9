import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

extension CompanyHandlers {
    static func registerDelete(into methods: inout MethodTable, env: ServiceEnvironment) {
        methods.register(
            "companies.delete",
            summary: "Deletes a company: its keys stop working and every method on it answers NOT_FOUND.",
            scope: .root
        ) { (params: CompanyIDParams, context) -> DeleteResult in
            let caller = try TenancyAccess.require(context, method: context.method)
            let now = env.clock.nowMs()

            let result = try await env.store.write { connection in
                try delete(params.companyID, caller: caller, atMs: now, in: connection)
            }
            env.eventsPublished()
            return result
        }
    }

    static func delete(_ companyID: String, caller: Caller, atMs now: Int64, in connection: Connection) throws
        -> DeleteResult
    {
        var company = try TenancyAccess.company(companyID, in: connection, for: caller)
        let before = company.status

        company.status = .deleted
        company.deletedAtMs = now
        company.reactivateAtMs = nil
        company.updatedAtMs = now
        try company.save(in: connection)

        try connection.execute(
            "UPDATE api_keys SET revoked_at_ms = ? WHERE company_id = ? AND revoked_at_ms IS NULL",
            [.integer(now), .text(company.id)]
        )
        let revoked = connection.changes

        try AuditLog.record(
            connection: connection, companyID: company.id, actor: caller, action: "companies.delete",
            targetType: "company", targetID: company.id, before: ["status": .string(before.rawValue)],
            after: ["status": "deleted", "revoked_keys": .int(Int64(revoked))], atMs: now
        )
        try connection.publish(
            EventTopic.companyDeleted,
            ["company_id": .string(company.id), "at_ms": .int(now)],
            atMs: now
        )
        return DeleteResult(companyID: company.id, deletedAtMs: now, revokedKeys: revoked)
    }
}
