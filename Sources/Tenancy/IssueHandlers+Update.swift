import MeshProtocol
import MeshRuntime
import MeshStore

extension IssueHandlers {
    static func update(_ params: IssueUpdateParams, context: MethodContext, env: ServiceEnvironment) async throws
        -> Issue
    {
        let caller = try TenancyAccess.require(context, method: "issues.update")
        let reference = try params.reference.validated()
        guard params.changesSomething else {
            throw RPCError.invalidArgument(
                field: "params",
                "issues.update changes nothing; pass at least one of title, description, type, priority, team_id, custom_fields with a value (a null counts as left out, except team_id: null, which removes the team; status changes use issues.transition, assignment uses issues.assign)"
            )
        }
        let companyID = try await reference.company(params.companyID, env: env, deadline: context.deadline)
        let now = env.clock.nowMs()

        return try await IdempotentWrite.run(
            params, companyID: companyID, caller: caller, atMs: now, context: context, env: env
        ) { company, connection in
            let before = try reference.load(companyID: company.id, in: connection)

            var after = before
            var check = IssueInputCheck(settings: company.settings)
            if let title = params.title, let valid = check.title(title) {
                after.title = valid
            }
            if let description = params.description, let valid = check.description(description) {
                after.description = valid
            }
            // A type or priority the company has since removed stays valid on the issues that have it, so
            // sending the issue's own value back changes nothing instead of failing.
            if let type = params.type, type.caseFolded != before.type.caseFolded, let valid = check.type(type) {
                after.type = valid
            }
            if let priority = params.priority, priority.caseFolded != before.priority.caseFolded,
                let valid = check.priority(priority)
            {
                after.priority = valid
            }
            if let customFields = params.customFields {
                after.customFields = check.customFields(customFields, current: before.customFields)
            }
            try check.throwIfProblems(method: "issues.update")

            if let teamChange = params.teamID {
                if let teamID = teamChange {
                    _ = try Team.load(teamID, companyID: company.id, in: connection)
                }
                after.teamID = teamChange
            }

            return try save(
                after, replacing: before, action: "issues.update", caller: caller, atMs: now, in: connection
            )
            .issue
        }
    }

    static func assign(_ params: IssueAssignParams, context: MethodContext, env: ServiceEnvironment) async throws
        -> Issue
    {
        let caller = try TenancyAccess.require(context, method: "issues.assign")
        let reference = try params.reference.validated()
        let companyID = try await reference.company(params.companyID, env: env, deadline: context.deadline)
        guard let assigneeID = params.assigneeID else {
            throw RPCError.invalidArgument(
                field: "assignee_id",
                "assignee_id is missing; pass the id of an invited or active user of the company, or null to unassign"
            )
        }
        let now = env.clock.nowMs()

        return try await IdempotentWrite.run(
            params, companyID: companyID, caller: caller, atMs: now, context: context, env: env
        ) { company, connection in
            let before = try reference.load(companyID: company.id, in: connection)
            if let assigneeID {
                try WorkspaceHandlers.requireWorkingUser(
                    assigneeID, companyID: company.id, field: "assignee_id", in: connection)
            }

            var after = before
            after.assigneeID = assigneeID
            return try save(
                after, replacing: before, action: "issues.assign", caller: caller, atMs: now, in: connection
            )
            .issue
        }
    }

    /// Stores `after` with its audit entry and `issue.updated` event, or returns `before` untouched when
    /// no field differs, so a repeated request changes nothing and publishes nothing.
    private static func save(
        _ after: Issue,
        replacing before: Issue,
        action: String,
        caller: Caller,
        atMs: Int64,
        in connection: Connection
    ) throws -> (issue: Issue, changed: Bool) {
        let changes = after.changes(since: before)
        guard !changes.isEmpty else {
            return (before, false)
        }

        var saved = after
        saved.updatedAtMs = atMs
        try saved.save(in: connection)

        try AuditLog.record(
            connection: connection, companyID: saved.companyID, actor: caller, action: action,
            targetType: "issue", targetID: saved.id, before: before.json, after: saved.json, atMs: atMs
        )
        try IssueEvents.publishUpdated(saved, changes: changes, atMs: atMs, in: connection)
        return (saved, true)
    }
}
