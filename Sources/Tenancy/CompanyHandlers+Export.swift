import MeshProtocol
import MeshRuntime
import MeshStore

extension CompanyHandlers {
    static func registerExport(into methods: inout MethodTable, env: ServiceEnvironment) {
        methods.register(
            "companies.export",
            summary: "All of a company's data from every service, as one JSON document.",
            scope: .company
        ) { (params: CompanyIDParams, context) -> CompanyExportDocument in
            let caller = try TenancyAccess.require(context, method: context.method)
            let now = env.clock.nowMs()

            var export = try await env.store.read { connection in
                let company = try TenancyAccess.company(params.companyID, in: connection, for: caller)
                return try CompanyExport.local(company, atMs: now, in: connection)
            }

            // Each service owns its part of the data; all three are asked at once.
            let parts = await withTaskGroup(of: (String, Result<JSONValue, RPCError>).self) { group in
                for (service, method) in CompanyExport.peerExports {
                    group.addTask {
                        do throws(RPCError) {
                            let part = try await CompanyExport.peer(
                                service, method: method, companyID: params.companyID, context: context
                            )
                            return (service, .success(part))
                        } catch {
                            return (service, .failure(error))
                        }
                    }
                }
                var collected: [String: Result<JSONValue, RPCError>] = [:]
                for await (service, part) in group {
                    collected[service] = part
                }
                return collected
            }
            let frameLimit = try? LimitVariables.clientOptions(env.variables).maximumRequestBytes
            try export.merge(CompanyExport.combine(parts, tenancyPart: export, frameLimit: frameLimit)) { local, _ in
                local
            }
            export["exported_at_ms"] = .int(env.clock.nowMs())
            return CompanyExportDocument(.object(export))
        }

        methods.register(
            "companies.exportPage",
            summary: "One page of a company's data export, for companies too large for companies.export.",
            scope: .company
        ) { (params: ExportPageRequest, context) -> CompanyExportPage in
            let caller = try TenancyAccess.require(context, method: context.method)
            let requested = try PageLimit.check(
                params.pageBytes, defaultLimit: ExportPageParams.defaultMaximumBytes, maximum: 32 << 20, minimum: 1_024,
                field: "page_bytes")
            // A page must fit in a reply, with room for its cursor and the envelope.
            let frameLimit = (try? LimitVariables.clientOptions(env.variables).maximumRequestBytes) ?? 1 << 20
            let pageBytes = max(1_024, min(requested, frameLimit - 64 * 1_024))
            let now = env.clock.nowMs()

            let company = try await env.store.read { connection in
                try TenancyAccess.company(params.companyID, in: connection, for: caller)
            }
            let cursor = try ExportCursor(parsing: params.cursor, companyID: company.id, seal: env.cursors)
            let request = ExportPageParams(companyID: company.id, position: cursor.position, maximumBytes: pageBytes)

            let page: ExportPage
            do {
                if cursor.service == "tenancy" {
                    page = try await env.store.read { connection in
                        try CompanyExport.plan(company, atMs: now).page(request, connection)
                    }
                } else {
                    let reply = try await CompanyExport.peer(
                        cursor.service, method: CompanyExport.pageMethod(of: cursor.service), companyID: company.id,
                        params: try JSONValue(encoding: request), context: context)
                    page = try reply.decode(ExportPage.self)
                }
            } catch let error as RPCError where error.details?["field"] == "position" {
                // The position came from the caller's cursor, so the cursor is what to fix.
                throw RPCError.invalidArgument(
                    field: "cursor",
                    "cursor holds a position this export never returned; pass next_cursor from the previous page unchanged, or leave it out to start the export again"
                )
            }

            var document = cursor.service == "tenancy" ? page.part.objectValue ?? [:] : [cursor.service: page.part]
            if cursor.service == "tenancy" && cursor.position == nil {
                document["exported_at_ms"] = .int(now)
            }
            return CompanyExportPage(
                page: .object(document), nextCursor: cursor.after(next: page.next)?.text(sealedWith: env.cursors))
        }
    }
}
