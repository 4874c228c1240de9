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

    /// Returns the internal method that reads a page of process `service`'s part: its export method
    /// with `Page` appended, such as `billing.exportPage`.
    static func pageMethod(of service: String) -> String {
        (peerExports.first { $0.process == service }?.method ?? "\(service).export") + "Page"
    }

    /// Returns tenancy's whole part of the export of `company`.
    static func local(_ company: CompanyRecord, atMs now: Int64, in connection: Connection) throws
        -> [String: JSONValue]
    {
        try plan(company, atMs: now).whole(companyID: company.id, connection)
    }

    /// Tenancy's part: the company, its settings and the last issue number, then the lists of users,
    /// invitations, API keys, audit entries, teams and issues.
    static func plan(_ company: CompanyRecord, atMs now: Int64) -> ExportPlan {
        ExportPlan(
            head: { connection in
                [
                    "company": try JSONValue(encoding: CompanyView.make(company, atMs: now, in: connection)),
                    "settings": company.settings.json,
                    "workspace": try WorkspaceExport.head(companyID: company.id, connection: connection),
                ]
            },
            lists: lists
        )
    }

    static let lists: [ExportList] = [
        ExportList(["users"], select: "SELECT \(UserRecord.columns) FROM users", key: ["created_at_ms", "id"]) {
            try UserRecord(row: $0).view.json
        },
        ExportList(
            ["invitations"],
            select:
                "SELECT id, user_id, invited_by, purpose, created_at_ms, expires_at_ms, used_at_ms FROM invitations",
            key: ["created_at_ms", "id"]
        ) { row in
            [
                "invitation_id": .string(try row.requireString("id")),
                "user_id": .string(try row.requireString("user_id")),
                "invited_by": .string(try row.requireString("invited_by")),
                "purpose": .string(try row.requireString("purpose")),
                "created_at_ms": .int(try row.requireInt("created_at_ms")),
                "expires_at_ms": .int(try row.requireInt("expires_at_ms")),
                "used_at_ms": row.int("used_at_ms").map { .int($0) } ?? .null,
            ]
        },
        ExportList(["api_keys"], select: "SELECT \(KeyView.columns) FROM api_keys", key: ["created_at_ms", "id"]) {
            try JSONValue(encoding: try KeyView(row: $0))
        },
        ExportList(["audit"], select: "SELECT \(AuditEntry.columns) FROM audit", key: ["seq"]) {
            try JSONValue(encoding: try AuditEntry(row: $0))
        },
        Team.exportList,
        WorkspaceExport.issues,
    ]

    /// Returns the parts of the other services, or throws the first failure. When parts were too large
    /// for a frame, or all of them together are too large for `frameLimit`, the error instead gives the
    /// size of the whole export, counted from every part, so one change of `MESH_MAX_FRAME_BYTES` is
    /// enough.
    static func combine(
        _ parts: [String: Result<JSONValue, RPCError>],
        tenancyPart: [String: JSONValue],
        frameLimit: Int? = nil
    ) throws -> [String: JSONValue] {
        var sizes: [String: Int64] = ["tenancy": Int64(JSONWriter.serialize(.object(tenancyPart)).count)]
        var tooLarge: RPCError?
        var failures: [(service: String, error: RPCError)] = []
        for (service, _) in peerExports {
            switch parts[service] {
            case .success(let value):
                sizes[service] = Int64(JSONWriter.serialize(value).count)
            case .failure(let error):
                if error.status == .resourceExhausted, let size = error.details?["size"]?.intValue {
                    sizes[service] = size
                    tooLarge = error
                } else {
                    failures.append((service, error))
                }
            case nil:
                continue
            }
        }

        if failures.count > 1, failures.allSatisfy({ $0.error.status == .unavailable }) {
            throw servicesDown(failures)
        }
        if let failure = failures.first {
            throw failure.error
        }
        if let tooLarge {
            throw wholeExportTooLarge(sizes: sizes, limit: tooLarge.details?["limit"]?.intValue)
        }
        // Every part fits, but the reply contains them all, with about a kilobyte of members around them.
        if let frameLimit, sizes.values.reduce(0, +) + 1_024 > Int64(frameLimit) {
            throw wholeExportTooLarge(sizes: sizes, limit: Int64(frameLimit))
        }
        return parts.compactMapValues { try? $0.get() }
    }

    private static func wholeExportTooLarge(sizes: [String: Int64], limit: Int64?) -> RPCError {
        let total = sizes.values.reduce(0, +)
        let listed = sizes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        let largest = Int64(LimitVariables.largestFrameBytes)
        let paged = "read it in pages with companies.exportPage, which takes any size"
        let remedy =
            total < largest
            ? "\(paged), or set MESH_MAX_FRAME_BYTES to at least \(total + total / 10) (up to \(largest)) for the "
                + "mesh and its clients, restart the mesh and export again"
            : "that is more than the largest frame the mesh accepts (\(largest) bytes), so \(paged)"
        return RPCError(
            .resourceExhausted,
            "the export is about \(total) bytes in all (\(listed)), more than the frame limit of "
                + "\(limit.map(String.init) ?? "this mesh"); \(remedy)",
            details: [
                "size": .int(total),
                "limit": limit.map { .int($0) } ?? .null,
                "parts": .object(sizes.mapValues { .int($0) }),
            ],
            retryable: false
        )
    }

    /// Returns one UNAVAILABLE error naming every service whose part is missing.
    private static func servicesDown(_ failures: [(service: String, error: RPCError)]) -> RPCError {
        let names = failures.map(\.service)
        let listed = names.dropLast().joined(separator: ", ") + " and " + (names.last ?? "")
        return RPCError(
            .unavailable,
            "the export needs \(listed), which did not answer; retry when they are running (mesh status shows "
                + "each process)",
            details: ["services": .array(names.map { .string($0) })],
            retryable: true
        )
    }

    /// Calls the export `method` of process `service` for the company, with `params` when given and
    /// `{company_id}` otherwise. A service that does not respond
    /// fails the export with a retryable UNAVAILABLE naming it. The tenancy tests cover that path; the
    /// integration suite covers a successful export with all five processes running.
    static func peer(
        _ service: String, method: String, companyID: String, params: JSONValue? = nil, context: MethodContext
    ) async throws(RPCError) -> JSONValue {
        do {
            return try await context.peers.call(
                service, method, params: params ?? ["company_id": .string(companyID)],
                meta: context.downstreamMeta(caller: .service)
            )
        } catch {
            // The call's budget came from the caller's own, so a passed deadline or a cancellation is
            // the caller's, and keeps its status.
            if [.deadlineExceeded, .cancelled].contains(error.status) {
                throw RPCError(
                    error.status, "\(method) to \(service) did not finish during the export: \(error.message)",
                    details: ["service": .string(service)], retryable: error.retryable)
            }
            if [.unavailable, .methodNotFound].contains(error.status) {
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
