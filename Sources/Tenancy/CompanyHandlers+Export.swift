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
    }
}
