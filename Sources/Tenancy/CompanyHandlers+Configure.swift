import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

extension CompanyHandlers {
    static func registerConfigure(into methods: inout MethodTable, env: ServiceEnvironment) {
        methods.register(
            "companies.configure",
            summary:
                "Changes the given settings members, all or none, moving issues out of dropped statuses by status_moves; every problem is listed at once; idempotent by meta.idempotency_key.",
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
        let current = try Workflow(statuses: before.statuses)
        let inUse = try CompanyUsage.issuesByStatus(company.id, in: connection)
        let movesParam = params.statusMoves.flatMap { $0.isNull ? nil : $0 }

        var patch = SettingsPatch(tier: company.tier, eventPayloadBytes: connection.maximumEventPayloadBytes)
        let patched = patch.apply(params.settings, to: before)
        let next = patch.proposedStatuses.flatMap { try? Workflow(statuses: $0) }
        let moves = movesParam.map { patch.statusMoves($0, from: current, to: next, inUse: inUse) } ?? [:]
        if let cap = patch.customFieldCap {
            guard !patch.problems.isEmpty else {
                throw cap.error(current: before.customFields.count)
            }
            patch.report(cap.field, cap.problem)
        }
        guard let settings = patched, patch.problems.isEmpty else {
            let list = patch.problems.map { "\($0.field) \($0.problem)" }.joined(separator: "; ")
            let count = patch.problems.count == 1 ? "1 problem" : "\(patch.problems.count) problems"
            throw RPCError(
                .invalidArgument,
                "settings were not changed because of \(count): \(list)",
                details: [
                    "field": .string(patch.problems.first?.field ?? "settings"),
                    "problems": try JSONValue(encoding: patch.problems),
                ]
            )
        }
        if movesParam == nil {
            try rejectRemovingUsedStatuses(from: before.statuses, to: settings.statuses, inUse: inUse)
        }
        // Settings that come out as they were change nothing, so nothing is recorded or published.
        if settings == before && movesParam == nil {
            return try CompanyView.make(company, atMs: now, in: connection)
        }

        company.settings = settings
        company.updatedAtMs = now
        try company.save(in: connection)
        try connection.publish(
            EventTopic.companyConfigured,
            ["company_id": .string(company.id), "settings": settings.json, "at_ms": .int(now)],
            atMs: now
        )
        if let allowed = company.tier.maximumCustomFields {
            try UsageWarnings.unitsTaken(
                "custom_fields", company: company, from: Int64(before.customFields.count),
                to: Int64(settings.customFields.count), allowed: allowed, atMs: now, in: connection
            )
        }
        let workflow = try Workflow(statuses: settings.statuses)
        let outcomes = try StatusMoves.apply(
            moves, workflow: workflow, companyID: company.id, atMs: now, in: connection)
        let settled = try StatusMoves.settle(workflow: workflow, companyID: company.id, atMs: now, in: connection)

        // The audit entry's state after the change is the settings, plus the moves when any were given
        // and the issues whose resolution followed a new final status.
        var after = settings.json
        if case .object(var members) = after {
            if movesParam != nil {
                members["status_moves"] = .array(outcomes.map(\.json))
            }
            if settled.resolved + settled.reopened > 0 {
                members["resolution_changes"] = [
                    "resolved": .int(Int64(settled.resolved)), "reopened": .int(Int64(settled.reopened)),
                ]
            }
            after = .object(members)
        }
        try AuditLog.record(
            connection: connection, companyID: company.id, actor: caller, action: "companies.configure",
            targetType: "company", targetID: company.id, before: before.json, after: after, atMs: now
        )
        return try CompanyView.make(company, atMs: now, in: connection)
    }

    /// Rejects a workflow that drops a status that live issues still use, for a call without
    /// `status_moves`. `counts` is the number of live issues per status.
    static func rejectRemovingUsedStatuses(from old: [String], to new: [String], inUse counts: [String: Int]) throws {
        let removed = Set(old).subtracting(new)
        let inUse = counts.filter { removed.contains($0.key) && $0.value > 0 }
        guard !inUse.isEmpty else {
            return
        }

        let total = inUse.values.reduce(0, +)
        let names =
            inUse.count == 1
            ? "status '\(inUse.keys.first!)'"
            : "statuses " + inUse.keys.sorted().map { "'\($0)' (\(inUse[$0]!))" }.joined(separator: ", ")
        let example = StatusMoves.example(for: inUse.keys, from: old, to: new)

        // A new spelling of a used status would strand its issues under the old one, so it counts as a removal.
        let respelled = inUse.keys.sorted().compactMap { name in
            new.first { $0 != name && $0.caseFolded == name.caseFolded }.map { "'\(name)' instead of '\($0)'" }
        }
        let respellingNote =
            respelled.isEmpty
            ? ""
            : "; a status in use keeps its spelling unless moved, so write \(respelled.joined(separator: ", "))"

        throw RPCError(
            .failedPrecondition,
            "\(StatusMoves.issueCount(total)) still in \(names); move them in the same call with status_moves, "
                + "for example \"status_moves\": \(JSONWriter.string(example)) (an issue moved from the final status "
                + "to the new final one stays resolved)" + respellingNote,
            details: [
                "issues_by_status": .object(inUse.mapValues { .int(Int64($0)) }),
                "count": .int(Int64(total)),
                "status_moves_example": example,
            ]
        )
    }
}
