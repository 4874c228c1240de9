import MeshRuntime
import MeshStore

/// The billing process: subscriptions created from company events, prorated tier and status changes,
/// monthly invoices, and the operators' revenue overview. docs/BILLING.md states the rules.
public enum Billing: MeshService {
    public static let name = "billing"

    public static var migrations: [Migration] {
        BillingMigrations.all
    }

    public static func make(_ environment: ServiceEnvironment) throws -> ServiceParts {
        var parts = ServiceParts()
        BillingMethods.register(into: &parts.methods, environment)
        parts.eventHandlers = BillingEvents.handlers(clock: environment.clock)
        parts.background = [{ await InvoiceScheduler.run(environment) }]
        return parts
    }
}
