import MeshProtocol
import MeshRuntime
import MeshStore

extension UserHandlers {
    static func registerReads(into methods: inout MethodTable, env: ServiceEnvironment) {
        methods.register(
            "users.list",
            summary: "A company's users by creation time, optionally one status, a page at a time.",
            scope: .company
        ) { (params: ListUsersParams, context) -> UserPage in
            let caller = try TenancyAccess.require(context, method: context.method)
            let limit = try PageLimit.check(params.limit)
            let cursor = try PageCursor.parse(params.cursor, idPrefix: "usr_", method: context.method)

            return try await env.store.read { connection in
                let company = try TenancyAccess.company(params.companyID, in: connection, for: caller)
                let rows = try connection.query(
                    """
                    SELECT \(UserRecord.columns) FROM users
                    WHERE company_id = ? AND (? IS NULL OR status = ?)
                        AND (created_at_ms > ? OR (created_at_ms = ? AND id > ?))
                    ORDER BY created_at_ms, id
                    LIMIT ?
                    """,
                    [
                        .text(company.id), SQLValue(params.status?.rawValue), SQLValue(params.status?.rawValue),
                        .integer(cursor.createdAtMs), .integer(cursor.createdAtMs), .text(cursor.id),
                        .integer(Int64(limit + 1)),
                    ]
                )
                let users = try rows.prefix(limit).map { try UserRecord(row: $0).view }
                let last = users.last.map { PageCursor(createdAtMs: $0.createdAtMs, id: $0.userID).text }
                return UserPage(users: users, nextCursor: rows.count > limit ? last : nil)
            }
        }

        methods.register(
            "users.get",
            summary: "One user of a company.",
            scope: .company
        ) { (params: UserIDParams, context) -> UserView in
            let caller = try TenancyAccess.require(context, method: context.method)
            return try await env.store.read { connection in
                let company = try TenancyAccess.company(params.companyID, in: connection, for: caller)
                return try UserRecord.require(params.userID, companyID: company.id, in: connection).view
            }
        }
    }
}
