import Analytics
import Billing
import Gateway
import MeshProtocol
import MeshRuntime
import Notification
import Tenancy

/// The five processes of the mesh, in start order: services first, the gateway last.
public enum ProcessCatalog {
    public static let startOrder = MeshHome.processNames

    /// The usage error for a process name that is not one of `startOrder`.
    static func unknownProcess(_ name: String) -> UsageError {
        UsageError(
            "no process named '\(name)'\(NameSuggestion.hint(for: name, among: startOrder)); use one of "
                + startOrder.joined(separator: ", "))
    }

    /// Builds the host of process `name`, or nil when no process has that name.
    static func host(named name: String, home: MeshHome, logger: Logger) throws -> ServiceHost? {
        switch name {
        case Gateway.name: return try ServiceHost(Gateway.self, home: home, logger: logger)
        case Tenancy.name: return try ServiceHost(Tenancy.self, home: home, logger: logger)
        case Billing.name: return try ServiceHost(Billing.self, home: home, logger: logger)
        case Analytics.name: return try ServiceHost(Analytics.self, home: home, logger: logger)
        case Notification.name: return try ServiceHost(Notification.self, home: home, logger: logger)
        default: return nil
        }
    }
}
