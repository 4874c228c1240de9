import MeshRuntime

/// The subject matter of a message. Each kind has one template.
public enum MessageKind: String, Sendable, Codable, CaseIterable, JSONSchemaProviding {
    /// The owner's invitation, sent when a company is provisioned.
    case welcome
    /// An invitation for a user added to an existing company.
    case invitation
    /// A recovery invitation for an active user who lost every API key, sent by `users.recoverAccess`.
    case accessRecovery = "access_recovery"
    case tierChanged = "tier_changed"
    case suspended
    case reactivated
    /// A company's usage rose across 80% or 100% of a tier limit.
    case usageWarning = "usage_warning"
    /// An operator alert, sent when a rule's condition becomes met. It goes to the operator, not a company.
    case operatorAlert = "operator_alert"

    /// Whether the message carries an invitation token. Such messages go by email only, and their
    /// rendered text never reaches the database.
    public var carriesToken: Bool {
        self == .welcome || self == .invitation || self == .accessRecovery
    }
}
