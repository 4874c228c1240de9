import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

/// The analytics service. It records the events of tenancy and the gateway, keeps rollups of them, and
/// computes company reports and the operators' system overview from those rollups.
///
/// Every figure is computed from stored rows at the time of the call, by the mesh clock.
public enum Analytics: MeshService {
    public static let name = "analytics"

    public static var migrations: [Migration] {
        AnalyticsMigrations.all + AnalyticsMigrations.resolutionKey + AnalyticsMigrations.invitationExpiry
            + AnalyticsMigrations.ownerInvitation + AnalyticsMigrations.assigneeTime
    }

    public static func make(_ environment: ServiceEnvironment) throws -> ServiceParts {
        var parts = ServiceParts()
        let store = environment.store
        let clock = environment.clock

        parts.eventHandlers = EventIngest.handlers(logger: environment.logger)

        parts.methods.register(
            "analytics.systemOverview",
            summary:
                "Counts of companies by status and tier, new companies this UTC month, estimated MRR and the most popular tier.",
            scope: .root
        ) { (_: NoParams, context) -> SystemOverview in
            _ = try context.requireRoot()
            let now = clock.nowMs()
            return try await store.read { connection in
                try SystemOverview.load(connection, nowMs: now)
            }
        }

        parts.methods.register(
            "analytics.companyReport",
            summary:
                "One company's usage against limits, issue activity, resolution times and recommendations; weekly rollups, percentiles, trends and team figures from Premium.",
            scope: .company
        ) { (params: CompanyReportParams, context) -> CompanyReport in
            try context.requireCompany(params.companyID)
            let now = clock.nowMs()
            return try await context.confirmingCompany(params.companyID) {
                try await store.read { connection in
                    try CompanyReport.load(connection, params: params, nowMs: now)
                }
            }
        }

        parts.methods.register(
            "analytics.export",
            summary:
                "Every row analytics holds about one company (rollups and event log), for the company's data export.",
            scope: .internal
        ) { (params: CompanyExportParams, context) -> CompanyExport in
            try context.requireCompany(params.companyID)
            let now = clock.nowMs()
            return try await store.read { connection in
                try CompanyExport.load(connection, companyID: params.companyID, nowMs: now)
            }
        }

        parts.methods.register(
            "analytics.exportPage",
            summary: "One page of the rows analytics holds about one company, for the company's data export in pages.",
            scope: .internal
        ) { (params: ExportPageParams, context) -> ExportPage in
            try context.requireCompany(params.companyID)
            let now = clock.nowMs()
            return try await store.read { connection in
                try CompanyExport.plan(companyID: params.companyID, nowMs: now).page(params, connection)
            }
        }

        return parts
    }
}
