import MeshRuntime

/// The operator alert rules. Each alert names its rule and the figures that made it fire.
public enum AlertRule: String, Sendable, Codable, CaseIterable, JSONSchemaProviding {
    /// More than 10 calls failed at the gateway (INTERNAL, UNAVAILABLE or DEADLINE_EXCEEDED) in 5 minutes.
    case gatewayFailures = "gateway_failures"
    /// A `companies.provision` call failed in the last hour.
    case provisioningFailures = "provisioning_failures"
    /// More than 5 companies are suspended.
    case suspendedCompanies = "suspended_companies"
    /// A message to a company became dead: its attempt was cut off, or it failed for good, and it is
    /// sent again only when an operator retries it.
    case deadMessages = "dead_messages"

    /// The failure count in the window that `gatewayFailures` must exceed.
    static let maximumFailures: Int64 = 10
    /// The suspended company count that `suspendedCompanies` must exceed.
    static let maximumSuspended: Int64 = 5

    /// How far back a windowed rule counts, or nil for a rule over current state.
    var windowMs: Int64? {
        switch self {
        case .gatewayFailures:
            return 5 * 60_000
        case .provisioningFailures:
            return 60 * 60_000
        case .suspendedCompanies, .deadMessages:
            return nil
        }
    }

    /// The rule in words, for the alert's message.
    var condition: String {
        switch self {
        case .gatewayFailures:
            return "more than \(AlertRule.maximumFailures) calls failed at the gateway within 5 minutes"
        case .provisioningFailures:
            return "a companies.provision call failed within the last hour"
        case .suspendedCompanies:
            return "more than \(AlertRule.maximumSuspended) companies are suspended"
        case .deadMessages:
            return "messages to companies became dead and are sent again only when retried"
        }
    }

    /// The operator's next step, for the alert's message.
    var hint: String {
        switch self {
        case .gatewayFailures:
            return
                "mesh status shows which processes answer, and each process's log is in the logs/ folder of the mesh home."
        case .provisioningFailures:
            return
                "The caller of companies.provision got the error; the provision.failed lines of logs/gateway.log in the mesh home have the time, status and message."
        case .suspendedCompanies:
            return "companies.list with the root key shows each company's status and its reactivation date."
        case .deadMessages:
            return
                "notifications.deadLetters with the root key lists them with their last error; once the cause is fixed, notifications.retry sends one again. A message whose attempt was cut off may have arrived already."
        }
    }
}
