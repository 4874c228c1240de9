import MeshRuntime

/// The billing state of a subscription. Only `active` subscriptions accrue charges and count toward MRR.
public enum SubscriptionStatus: String, Sendable, Codable, CaseIterable, JSONSchemaProviding {
    /// Billed at the tier price.
    case active
    /// The company is suspended: nothing accrues until it is reactivated.
    case suspended
    /// The company was deleted; the final period was invoiced and the rows are kept for export.
    case canceled
}
