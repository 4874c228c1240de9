import MeshProtocol
import MeshRuntime
import TenantModel

/// A company's configuration: its workflow, issue vocabulary, custom fields, integrations, notification
/// preferences and branding. Stored as JSON in `companies.settings`.
///
/// The last status of `statuses` is the final one: moving an issue into it resolves the issue.
public struct CompanySettings: Codable, Sendable, Hashable {
    /// A field every issue of the company may carry.
    public struct CustomField: Codable, Sendable, Hashable {
        public var name: String
        public var type: FieldType
        public var required: Bool
        /// The allowed values of a `select` field; absent for every other type.
        public var options: [String]?

        public init(name: String, type: FieldType, required: Bool, options: [String]? = nil) {
            self.name = name
            self.type = type
            self.required = required
            self.options = options
        }
    }

    /// The value type of a custom field.
    public enum FieldType: String, Codable, Sendable, CaseIterable, JSONSchemaProviding {
        case text
        case number
        case boolean
        case date
        case select
    }

    public struct Notifications: Codable, Sendable, Hashable {
        public var email: Bool

        public init(email: Bool) {
            self.email = email
        }
    }

    public var statuses: [String]
    public var priorities: [String]
    public var types: [String]
    public var customFields: [CustomField]
    /// Raw values of `Integration`.
    public var integrations: [String]
    public var notifications: Notifications
    /// The URL that Slack-style and generic webhooks post to: `http://127.0.0.1:PORT/path` or
    /// `http://localhost:PORT/path`. It is set only while `slack_webhook` or `webhook` is enabled.
    public var webhookURL: String?
    /// The Platinum white-label branding of the company's emails. Nil keeps TenantMesh's own.
    public var branding: Branding?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case statuses
        case priorities
        case types
        case customFields = "custom_fields"
        case integrations
        case notifications
        case webhookURL = "webhook_url"
        case branding
    }

    public init(
        statuses: [String],
        priorities: [String],
        types: [String],
        customFields: [CustomField],
        integrations: [String],
        notifications: Notifications,
        webhookURL: String? = nil,
        branding: Branding? = nil
    ) {
        self.statuses = statuses
        self.priorities = priorities
        self.types = types
        self.customFields = customFields
        self.integrations = integrations
        self.notifications = notifications
        self.webhookURL = webhookURL
        self.branding = branding
    }

    /// The workflow Basic companies keep; they may not define their own.
    public static let basicStatuses = ["Open", "In Progress", "Closed"]

    /// Returns the settings a new company of `tier` starts with.
    public static func defaults(for tier: Tier) -> CompanySettings {
        CompanySettings(
            statuses: tier.allowsCustomStatuses ? ["Open", "In Progress", "In Review", "Closed"] : basicStatuses,
            priorities: ["Low", "Medium", "High", "Critical"],
            types: ["Bug", "Feature", "Task", "Epic"],
            customFields: [],
            integrations: [Integration.email.rawValue],
            notifications: Notifications(email: true)
        )
    }

    /// The status that resolves an issue.
    public var finalStatus: String {
        statuses.last ?? ""
    }
}

extension CompanySettings: MemberSchemaProviding {
    /// `integrations` is kept as text, so its schema names the values `Integration` allows.
    public static var memberSchemas: [String: JSONValue] {
        [CodingKeys.integrations.rawValue: SchemaRecorder.schema(for: [Integration].self)]
    }
}
