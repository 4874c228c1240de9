import MeshRuntime
import MeshStore
import TenantModel

/// The tenancy process: companies, their users and API keys, settings, tiers, and the teams and issues
/// of each company. It is the source of every `company.*`, `user.*`, `team.*` and `issue.*` event.
public enum Tenancy: MeshService {
    public static let name = "tenancy"

    public static let migrations: [Migration] =
        TenancyMigrations.core + TenancyMigrations.workspace + TenancyMigrations.keyUse + TenancyMigrations.recovery

    public static func make(_ env: ServiceEnvironment) throws -> ServiceParts {
        var parts = ServiceParts()

        CompanyHandlers.register(into: &parts.methods, env: env)
        UserHandlers.register(into: &parts.methods, env: env)
        AuthHandlers.register(into: &parts.methods, env: env)
        AuditHandlers.register(into: &parts.methods, env: env)
        WorkspaceHandlers.register(into: &parts.methods, env: env)

        parts.subscribers = subscribers

        let reactivator = Reactivator(env: env)
        parts.background = [{ await reactivator.run() }]
        return parts
    }

    /// The topics each subscriber process receives from this outbox.
    static let subscribers: [String: Set<String>] = [
        "billing": [
            EventTopic.companyProvisioned, EventTopic.companyTierChanged, EventTopic.companySuspended,
            EventTopic.companyReactivated, EventTopic.companyDeleted,
        ],
        "analytics": EventTopic.company.union(EventTopic.user).union(EventTopic.team).union(EventTopic.issue),
        "notification": Set([
            EventTopic.companyProvisioned, EventTopic.companyConfigured, EventTopic.companyTierChanged,
            EventTopic.companySuspended, EventTopic.companyReactivated, EventTopic.companyDeleted,
            EventTopic.userAccessRecoveryIssued, EventTopic.usageThresholdReached,
        ]).union(EventTopic.user),
    ]
}
