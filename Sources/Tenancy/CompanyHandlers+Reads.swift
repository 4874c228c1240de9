import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

extension CompanyHandlers {
    static func registerReads(into methods: inout MethodTable, env: ServiceEnvironment) {
        methods.register(
            "companies.get",
            summary: "A company with its settings, its tier's limits and its usage; users see only their own.",
            scope: .company
        ) { (params: CompanyIDParams, context) -> CompanyView in
            let caller = try TenancyAccess.require(context, method: context.method)
            let now = env.clock.nowMs()
            return try await env.store.read { connection in
                let company = try TenancyAccess.company(params.companyID, in: connection, for: caller)
                return try CompanyView.make(company, atMs: now, in: connection)
            }
        }

        methods.register(
            "companies.list",
            summary:
                "Companies by creation time, filtered by status and tier, a page at a time (deleted ones only when asked).",
            scope: .root
        ) { (params: ListCompaniesParams, context) -> CompanyPage in
            try TenancyAccess.require(context, method: context.method)
            let tier = try params.tier.map { try Tier.parse($0, field: "tier") }
            let limit = try PageLimit.check(params.limit)
            let cursor = try PageCursor.parse(params.cursor, idPrefix: "cmp_", method: context.method)
            let now = env.clock.nowMs()

            return try await env.store.read { connection in
                try listCompanies(
                    status: params.status, tier: tier, limit: limit, after: cursor, atMs: now, in: connection)
            }
        }
    }

    static func listCompanies(
        status: CompanyStatus?,
        tier: Tier?,
        limit: Int,
        after cursor: PageCursor,
        atMs now: Int64,
        in connection: Connection
    ) throws -> CompanyPage {
        // Without a status filter, deleted companies are left out: they no longer exist for callers.
        let rows = try connection.query(
            """
            SELECT \(CompanyRecord.columns) FROM companies
            WHERE (? IS NULL AND status != 'deleted' OR status = ?)
                AND (? IS NULL OR tier = ?)
                AND (created_at_ms > ? OR (created_at_ms = ? AND id > ?))
            ORDER BY created_at_ms, id
            LIMIT ?
            """,
            [
                SQLValue(status?.rawValue), SQLValue(status?.rawValue), SQLValue(tier?.rawValue),
                SQLValue(tier?.rawValue), .integer(cursor.createdAtMs), .integer(cursor.createdAtMs),
                .text(cursor.id), .integer(Int64(limit + 1)),
            ]
        )

        // Settings may take up to 256 KB each.
        let pageSize = PageBudget.rowsFitting(
            rows, limit: limit, jsonColumns: ["settings"], budget: PageBudget.bytes(for: connection))
        let companies = try rows.prefix(pageSize).map { row in
            try CompanyView.make(try CompanyRecord(row: row), atMs: now, in: connection)
        }
        let last = companies.last.map { PageCursor(createdAtMs: $0.createdAtMs, id: $0.companyID) }
        return CompanyPage(companies: companies, nextCursor: rows.count > companies.count ? last?.text : nil)
    }
}
