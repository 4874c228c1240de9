import MeshProtocol
import MeshRuntime
import MeshStore

/// Everything tenancy keeps about one company, as JSON, without any token or key hash.
enum CompanyExport {
    /// The processes that keep part of a company's data, each with its internal export method
    /// (params `{company_id}`). The notification service names its methods `notifications.*`.
    static let peerExports: [(process: String, method: String)] = [
        ("billing", "billing.export"),
        ("analytics", "analytics.export"),
        ("notification", "notifications.export"),
    ]

    static func local(_ company: CompanyRecord, atMs now: Int64, in connection: Connection) throws
        -> [String: JSONValue]
    {
        let id: SQLValue = .text(company.id)

        let users = try connection.query(
            "SELECT \(UserRecord.columns) FROM users WHERE company_id = ? ORDER BY created_at_ms, id", [id]
        ).map { try UserRecord(row: $0).view.json }

        let invitations = try connection.query(
            """
            SELECT id, user_id, invited_by, purpose, created_at_ms, expires_at_ms, used_at_ms FROM invitations
            WHERE company_id = ? ORDER BY created_at_ms, id
            """,
            [id]
        ).map { row -> JSONValue in
            [
                "invitation_id": .string(try row.requireString("id")),
                "user_id": .string(try row.requireString("user_id")),
                "invited_by": .string(try row.requireString("invited_by")),
                "purpose": .string(try row.requireString("purpose")),
                "created_at_ms": .int(try row.requireInt("created_at_ms")),
                "expires_at_ms": .int(try row.requireInt("expires_at_ms")),
                "used_at_ms": row.int("used_at_ms").map { .int($0) } ?? .null,
            ]
        }

        let keys = try connection.query(
            "SELECT \(KeyView.columns) FROM api_keys WHERE company_id = ? ORDER BY created_at_ms, id", [id]
        ).map { try JSONValue(encoding: try KeyView(row: $0)) }

        let audit = try AuditEntry.all(companyID: company.id, in: connection).map { try JSONValue(encoding: $0) }

        var export: [String: JSONValue] = [
            "company": try JSONValue(encoding: CompanyView.make(company, atMs: now, in: connection)),
            "settings": company.settings.json,
            "users": .array(users),
            "invitations": .array(invitations),
            "api_keys": .array(keys),
            "audit": .array(audit),
        ]
        let workspace = try WorkspaceExport.export(companyID: company.id, connection: connection)
        if !workspace.isNull {
            export["workspace"] = workspace
        }
        return export
    }

    /// Calls the export `method` of process `service` for the company. A service that does not respond
    /// fails the export with a retryable UNAVAILABLE naming it. The tenancy tests cover that path; the
    /// integration suite covers a successful export with all five processes running.
    static func peer(_ service: String, method: String, companyID: String, context: MethodContext) async throws
        -> JSONValue
    {
        do {
            return try await context.peers.call(
                service, method, params: ["company_id": .string(companyID)],
                meta: context.downstreamMeta(caller: .service)
            )
        } catch {
            if [.unavailable, .deadlineExceeded, .cancelled, .methodNotFound].contains(error.status) {
                throw RPCError(
                    .unavailable,
                    "the export needs \(service), which did not answer \(method) (\(error.message)); retry when \(service) is running",
                    details: ["service": .string(service), "cause": .string(error.status.name)],
                    retryable: true
                )
            }
            throw RPCError(error.status, "\(method) failed during the export: \(error.message)", details: error.details)
        }
    }
}
