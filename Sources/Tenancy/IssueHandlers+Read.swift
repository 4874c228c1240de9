import MeshProtocol
import MeshRuntime
import MeshStore

extension IssueHandlers {
    /// Issues per page when `limit` is absent, and the largest page a caller may request.
    static let defaultPageSize = 50
    static let maximumPageSize = 200

    static func get(_ params: IssueTargetParams, context: MethodContext, env: ServiceEnvironment) async throws -> Issue
    {
        let caller = try TenancyAccess.require(context, method: "issues.get")
        let reference = try params.reference.validated()

        return try await env.store.read(deadline: context.deadline) { connection in
            let companyID = try reference.company(params.companyID, in: connection)
            let company = try TenancyAccess.company(companyID, in: connection, for: caller)
            return try reference.load(companyID: company.id, in: connection)
        }
    }

    static func list(_ params: IssueListParams, context: MethodContext, env: ServiceEnvironment) async throws
        -> IssuePage
    {
        let caller = try TenancyAccess.require(context, method: "issues.list")
        let limit = params.limit ?? defaultPageSize
        guard (1...maximumPageSize).contains(limit) else {
            throw RPCError(
                .invalidArgument,
                "limit \(limit) is out of range; pass 1 to \(maximumPageSize), or omit it for \(defaultPageSize)",
                details: ["field": "limit", "value": .int(Int64(limit))]
            )
        }
        let cursor = try params.cursor.map { text throws(RPCError) in try IssueCursor(parsing: text) }

        return try await env.store.read(deadline: context.deadline) { connection in
            let company = try TenancyAccess.company(params.companyID, in: connection, for: caller)

            var sql =
                "SELECT \(Issue.columns) FROM issues WHERE company_id = ? AND deleted_at_ms IS NULL AND number > ?"
            var arguments: [SQLValue] = [.text(company.id), .integer(cursor?.lastNumber ?? 0)]
            let settings = company.settings
            let filters: [(column: String, value: String?)] = [
                ("status", try listed(params.status, in: settings.statuses, field: "status")),
                ("type", try listed(params.type, in: settings.types, orKept: "type", of: company.id, connection)),
                (
                    "priority",
                    try listed(params.priority, in: settings.priorities, orKept: "priority", of: company.id, connection)
                ),
            ]
            for filter in filters {
                if let value = filter.value {
                    sql += " AND \(filter.column) = ?"
                    arguments.append(.text(value))
                }
            }
            // An explicit null selects the issues without an assignee, or without a team.
            var checks: [() throws -> Void] = []
            for (column, filter) in [("team_id", params.teamID), ("assignee_id", params.assigneeID)] {
                switch filter {
                case .none:
                    break
                case .some(.none):
                    sql += " AND \(column) IS NULL"
                case .some(.some(let value)):
                    // An id that is not the company's is a mistake, not a filter that matches nothing.
                    checks.append {
                        if column == "team_id" {
                            _ = try Team.load(value, companyID: company.id, in: connection)
                        } else {
                            _ = try UserRecord.require(value, companyID: company.id, in: connection)
                        }
                    }
                    sql += " AND \(column) = ?"
                    arguments.append(.text(value))
                }
            }
            try WorkspaceHandlers.checkAll(checks)
            // Fetching one row past the page shows whether another page follows.
            sql += " ORDER BY number LIMIT ?"
            arguments.append(.integer(Int64(limit + 1)))

            let rows = try connection.query(sql, arguments)
            let pageSize = PageBudget.rowsFitting(
                rows, limit: limit, jsonColumns: ["custom_fields"], budget: PageBudget.bytes(for: connection))
            let issues = try rows.prefix(pageSize).map { try Issue(row: $0) }
            let more = rows.count > pageSize
            return IssuePage(
                issues: issues, nextCursor: more ? issues.last.map { IssueCursor(lastNumber: $0.number).text } : nil)
        }
    }

    /// Returns the name in `names` that `value` matches ignoring case, or else the spelling of a live
    /// issue's `column` that it matches, or throws INVALID_ARGUMENT listing the names. A type or priority
    /// the company has since removed stays on its issues, so the list can still filter by it.
    private static func listed(
        _ value: String?, in names: [String], orKept column: String, of companyID: String, _ connection: Connection
    ) throws -> String? {
        guard let value, !names.contains(where: { $0.caseFolded == value.caseFolded }) else {
            return try listed(value, in: names, field: column)
        }

        let stored = try connection.queryOne(
            """
            SELECT \(column) AS name FROM issues
            WHERE company_id = ? AND deleted_at_ms IS NULL AND \(column) = ? COLLATE NOCASE LIMIT 1
            """,
            [.text(companyID), .text(value)]
        )
        if let name = stored?.string("name") {
            return name
        }
        // The names the filter takes: the company's, then those only its live issues still carry.
        let stillUsed = try connection.query(
            "SELECT DISTINCT \(column) AS name FROM issues WHERE company_id = ? AND deleted_at_ms IS NULL ORDER BY 1",
            [.text(companyID)]
        ).compactMap { $0.string("name") }.filter { name in !names.contains { $0.caseFolded == name.caseFolded } }
        return try listed(value, in: names + stillUsed, field: column)
    }

    /// Returns the name in `names` that `value` matches ignoring case, as stored, or throws
    /// INVALID_ARGUMENT listing the names. A filter on a name the company does not use would match
    /// nothing, and an empty page would hide the typo.
    private static func listed(_ value: String?, in names: [String], field: String) throws(RPCError) -> String? {
        guard let value else {
            return nil
        }
        guard let match = names.first(where: { $0.caseFolded == value.caseFolded }) else {
            throw RPCError(
                .invalidArgument,
                "\(field) '\(value.prefix(60))' is not one of the company's \(field) names: "
                    + names.joined(separator: ", "),
                details: ["field": .string(field), "allowed": .array(names.map { .string($0) })]
            )
        }
        return match
    }
}
