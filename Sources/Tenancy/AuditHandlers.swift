import MeshProtocol
import MeshRuntime
import MeshStore

/// `audit.list`: a company's audit entries, newest first.
enum AuditHandlers {
    struct ListParams: Codable, Sendable {
        var companyID: String
        var limit: Int?
        var cursor: String?

        enum CodingKeys: String, CodingKey {
            case companyID = "company_id"
            case limit
            case cursor
        }
    }

    struct Page: Codable, Sendable {
        var entries: [AuditEntry]
        var nextCursor: String?

        enum CodingKeys: String, CodingKey {
            case entries
            case nextCursor = "next_cursor"
        }
    }

    static func register(into methods: inout MethodTable, env: ServiceEnvironment) {
        methods.register(
            "audit.list",
            summary: "A company's audit entries, newest first: who did what, with the state before and after.",
            scope: .company
        ) { (params: ListParams, context) -> Page in
            let caller = try TenancyAccess.require(context, method: context.method)
            let limit = try PageLimit.check(params.limit)
            // Entry numbers count every company's entries, so the cursor is sealed: in the clear, its gaps
            // would tell how much other companies did.
            let before =
                try env.cursors.sequence(params.cursor, method: context.method, companyID: params.companyID)
                ?? Int64.max

            return try await env.store.read { connection in
                _ = try TenancyAccess.company(params.companyID, in: connection, for: caller)
                let rows = try connection.query(
                    "SELECT \(AuditEntry.columns) FROM audit WHERE company_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
                    [.text(params.companyID), .integer(before), .integer(Int64(limit + 1))]
                )
                // Entries carry whole snapshots of what changed.
                let pageSize = PageBudget.rowsFitting(
                    rows, limit: limit, jsonColumns: ["before", "after"], budget: PageBudget.bytes(for: connection))
                let entries = try rows.prefix(pageSize).map { try AuditEntry(row: $0) }
                let next =
                    rows.count > pageSize
                    ? rows[pageSize - 1].int("seq").map {
                        env.cursors.sequenceCursor($0, method: context.method, companyID: params.companyID)
                    } : nil
                return Page(entries: entries, nextCursor: next)
            }
        }
    }
}
