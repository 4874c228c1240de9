import MeshProtocol
import MeshRuntime
import MeshStore

extension IssueHandlers {
    static func create(_ params: IssueCreateParams, context: MethodContext, env: ServiceEnvironment) async throws
        -> Issue
    {
        let caller = try TenancyAccess.require(context, method: "issues.create")
        let now = env.clock.nowMs()

        // The limit count, the number and the insert share one write transaction. The store runs one
        // writer, so concurrent creates cannot both pass the count or draw the same number.
        return try await IdempotentWrite.run(
            params, companyID: params.companyID, caller: caller, atMs: now, context: context, env: env
        ) { company, connection in
            try insertIssue(params, company: company, caller: caller, atMs: now, in: connection)
        }
    }

    /// Checks the params against the company's settings and limits, then inserts the issue with its
    /// audit entry and `issue.created` event.
    private static func insertIssue(
        _ params: IssueCreateParams,
        company: CompanyRecord,
        caller: Caller,
        atMs now: Int64,
        in connection: Connection
    ) throws -> Issue {
        let workflow = try Workflow(statuses: company.settings.statuses)

        var check = IssueInputCheck(settings: company.settings)
        let title = check.title(params.title)
        let description = params.description.flatMap { check.description($0) } ?? ""
        let type = check.type(params.type)
        let priority = params.priority.flatMap { check.priority($0) } ?? check.defaultPriority
        let customFields = check.customFields(params.customFields ?? [:], current: [:])
        try check.throwIfProblems(method: "issues.create")

        try WorkspaceHandlers.checkAll([
            {
                if let teamID = params.teamID {
                    _ = try Team.load(teamID, companyID: company.id, in: connection)
                }
            },
            {
                if let assigneeID = params.assigneeID {
                    try WorkspaceHandlers.requireWorkingUser(
                        assigneeID, companyID: company.id, field: "assignee_id", in: connection)
                }
            },
        ])
        try checkIssueLimit(company, atMs: now, in: connection)

        let number = try Issue.nextNumber(companyID: company.id, in: connection)
        let issue = Issue(
            id: Identifier.make(prefix: "iss"),
            companyID: company.id,
            number: number,
            key: IssueKey(prefix: company.keyPrefix, number: number).text,
            title: title ?? "",
            description: description,
            type: type ?? "",
            priority: priority,
            status: workflow.initialStatus,
            assigneeID: params.assigneeID,
            teamID: params.teamID,
            customFields: customFields,
            createdAtMs: now,
            updatedAtMs: now,
            resolvedAtMs: nil
        )
        try issue.insert(in: connection)

        try AuditLog.record(
            connection: connection, companyID: company.id, actor: caller, action: "issues.create",
            targetType: "issue", targetID: issue.id, before: nil, after: issue.json, atMs: now
        )
        try IssueEvents.publishCreated(issue, in: connection)
        return issue
    }

    /// Throws RESOURCE_EXHAUSTED when the company already has as many live issues as its tier allows.
    /// Otherwise publishes the usage warning the new issue fires, if any, so call it inside the write that
    /// inserts the issue.
    static func checkIssueLimit(_ company: CompanyRecord, atMs now: Int64, in connection: Connection) throws {
        guard let allowed = company.tier.maximumIssues else {
            return
        }

        let current = try Issue.liveCount(companyID: company.id, in: connection)
        guard current < allowed else {
            throw RPCError(
                .resourceExhausted,
                "company \(company.id) has \(current) issues, the limit of the \(company.tier.displayName) tier (\(allowed)); delete issues or upgrade the tier with companies.changeTier",
                details: [
                    "reason": "tier_limit",
                    "limit": "issues",
                    "allowed": .int(Int64(allowed)),
                    "current": .int(current),
                    "tier": .string(company.tier.rawValue),
                ]
            )
        }
        try UsageWarnings.unitTaken(
            "issues", company: company, current: current, allowed: allowed, atMs: now, in: connection)
    }
}
