import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

extension CompanyHandlers {
    static func registerConfigure(into methods: inout MethodTable, env: ServiceEnvironment) {
        methods.register(
            "companies.configure",
            summary:
                "Changes the given settings members, all or none; every problem is listed at once; idempotent by meta.idempotency_key.",
            scope: .company
        ) { (params: ConfigureParams, context) -> CompanyView in
            let caller = try TenancyAccess.require(context, method: context.method)
            let now = env.clock.nowMs()

            return try await IdempotentWrite.run(
                params, companyID: params.companyID, caller: caller, atMs: now, context: context, env: env
            ) { _, connection in
                try configure(params, caller: caller, atMs: now, in: connection)
            }
        }
    }

    static func configure(_ params: ConfigureParams, caller: Caller, atMs now: Int64, in connection: Connection) throws
        -> CompanyView
    {
        var company = try TenancyAccess.company(params.companyID, in: connection, for: caller)
        let before = company.settings

        var patch = SettingsPatch(tier: company.tier)
        guard let settings = patch.apply(params.settings, to: before) else {
            let list = patch.problems.map { "\($0.field) \($0.problem)" }.joined(separator: "; ")
            throw RPCError(
                .invalidArgument,
                "settings were not changed because of \(patch.problems.count) problem(s): \(list)",
                details: ["problems": try JSONValue(encoding: patch.problems)]
            )
        }

        try rejectRemovingUsedStatuses(
            from: before.statuses, to: settings.statuses, companyID: company.id, in: connection)

        company.settings = settings
        company.updatedAtMs = now
        try company.save(in: connection)
        try AuditLog.record(
            connection: connection, companyID: company.id, actor: caller, action: "companies.configure",
            targetType: "company", targetID: company.id, before: before.json, after: settings.json, atMs: now
        )
        try connection.publish(
            EventTopic.companyConfigured,
            ["company_id": .string(company.id), "settings": settings.json, "at_ms": .int(now)],
            atMs: now
        )
        return try CompanyView.make(company, in: connection)
    }

    /// Rejects a workflow that drops a status that open issues still use.
    static func rejectRemovingUsedStatuses(
        from old: [String],
        to new: [String],
        companyID: String,
        in connection: Connection
    ) throws {
        let removed = Set(old).subtracting(new)
        guard !removed.isEmpty else {
            return
        }

        let inUse = try CompanyUsage.issuesByStatus(companyID, in: connection)
            .filter { removed.contains($0.key) && $0.value > 0 }
        guard !inUse.isEmpty else {
            return
        }

        let total = inUse.values.reduce(0, +)
        let names =
            inUse.count == 1
            ? "status '\(inUse.keys.first!)'"
            : "statuses " + inUse.keys.sorted().map { "'\($0)' (\(inUse[$0]!))" }.joined(separator: ", ")

        // A new spelling of a used status would strand its issues under the old one, so it counts as a removal.
        let respelled = inUse.keys.sorted().compactMap { name in
            new.first { $0 != name && $0.caseFolded == name.caseFolded }.map { "'\(name)' instead of '\($0)'" }
        }
        let respellingNote =
            respelled.isEmpty
            ? ""
            : "; a status in use keeps its spelling, so write \(respelled.joined(separator: ", "))"

        throw RPCError(
            .failedPrecondition,
            "\(total) \(total == 1 ? "issue" : "issues") not deleted \(total == 1 ? "is" : "are") still in \(names); "
                + "move them to a status you keep (issues.transition) or delete them before removing it"
                + respellingNote,
            details: [
                "issues_by_status": .object(inUse.mapValues { .int(Int64($0)) }),
                "count": .int(Int64(total)),
            ]
        )
    }
}
