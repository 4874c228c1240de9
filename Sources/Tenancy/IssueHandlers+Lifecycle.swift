import MeshProtocol
import MeshRuntime
import MeshStore

extension IssueHandlers {
    static func transition(_ params: IssueTransitionParams, context: MethodContext, env: ServiceEnvironment)
        async throws -> Issue
    {
        let caller = try TenancyAccess.require(context, method: "issues.transition")
        let reference = try params.reference.validated()
        let companyID = try await reference.company(params.companyID, env: env, deadline: context.deadline)
        let now = env.clock.nowMs()

        return try await IdempotentWrite.run(
            params, companyID: companyID, caller: caller, atMs: now, context: context, env: env
        ) { company, connection in
            let before = try reference.load(companyID: company.id, in: connection)
            let workflow = try Workflow(statuses: company.settings.statuses)
            let target = workflow.canonical(params.toStatus) ?? params.toStatus
            try workflow.check(from: before.status, to: target)

            let after = before.moved(to: target, in: workflow, atMs: now)
            try after.save(in: connection)

            try AuditLog.record(
                connection: connection, companyID: company.id, actor: caller, action: "issues.transition",
                targetType: "issue", targetID: after.id, before: before.json, after: after.json, atMs: now
            )
            try IssueEvents.publishTransition(after, from: before, atMs: now, in: connection)
            return after
        }
    }

    static func delete(_ params: IssueTargetParams, context: MethodContext, env: ServiceEnvironment) async throws
        -> IssueDeletion
    {
        let caller = try TenancyAccess.require(context, method: "issues.delete")
        let reference = try params.reference.validated()
        let companyID = try await reference.company(params.companyID, env: env, deadline: context.deadline)
        let now = env.clock.nowMs()

        return try await IdempotentWrite.run(
            params, companyID: companyID, caller: caller, atMs: now, context: context, env: env
        ) { company, connection in
            let issue = try reference.load(companyID: company.id, in: connection)
            try issue.markDeleted(atMs: now, in: connection)

            try AuditLog.record(
                connection: connection, companyID: company.id, actor: caller, action: "issues.delete",
                targetType: "issue", targetID: issue.id, before: issue.json, after: nil, atMs: now
            )
            try IssueEvents.publishDeleted(issue, atMs: now, in: connection)
            return IssueDeletion(issueID: issue.id, key: issue.key, deletedAtMs: now)
        }
    }
}
