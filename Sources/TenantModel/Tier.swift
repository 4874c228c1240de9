import MeshProtocol

/// A subscription tier and everything it allows. Limits that do not apply are nil ("unlimited"),
/// never a large number that arithmetic could trip over.
public enum Tier: String, Sendable, Codable, CaseIterable, Comparable {
    case basic
    case premium
    case platinum

    /// Monthly price in US cents.
    public var priceCents: Int64 {
        switch self {
        case .basic: return 1_000
        case .premium: return 5_000
        case .platinum: return 20_000
        }
    }

    /// Active plus invited users.
    public var maximumUsers: Int? {
        switch self {
        case .basic: return 5
        case .premium: return 25
        case .platinum: return nil
        }
    }

    /// Issues that are not deleted.
    public var maximumIssues: Int? {
        switch self {
        case .basic: return 1_000
        case .premium: return 10_000
        case .platinum: return nil
        }
    }

    /// API calls per UTC day, counted at the gateway.
    public var maximumAPICallsPerDay: Int? {
        switch self {
        case .basic: return 1_000
        case .premium: return 10_000
        case .platinum: return nil
        }
    }

    /// Days of history analytics reports may cover.
    public var reportingHistoryDays: Int? {
        switch self {
        case .basic: return 7
        case .premium: return 90
        case .platinum: return nil
        }
    }

    public var maximumCustomFields: Int? {
        switch self {
        case .basic: return 5
        case .premium: return 25
        case .platinum: return nil
        }
    }

    /// Whether the company may define its own workflow statuses (Basic keeps Open, In Progress, Closed).
    public var allowsCustomStatuses: Bool {
        self != .basic
    }

    public var allowedIntegrations: Set<Integration> {
        switch self {
        case .basic: return [.email]
        case .premium: return [.email, .slackWebhook, .webhook]
        case .platinum: return Set(Integration.allCases)
        }
    }

    public var hasTeamAnalytics: Bool { self != .basic }
    public var hasAdvancedAnalytics: Bool { self != .basic }
    public var hasSSO: Bool { self == .platinum }
    public var hasWhiteLabel: Bool { self == .platinum }

    public var displayName: String {
        switch self {
        case .basic: return "Basic"
        case .premium: return "Premium"
        case .platinum: return "Platinum"
        }
    }

    private var rank: Int {
        switch self {
        case .basic: return 0
        case .premium: return 1
        case .platinum: return 2
        }
    }

    public static func < (lhs: Tier, rhs: Tier) -> Bool {
        lhs.rank < rhs.rank
    }

    /// The JSON Schema of a param that names a tier. Names are matched ignoring case, and the schema
    /// lists them as they are written in replies.
    public static var nameSchema: JSONValue {
        ["type": "string", "enum": .array(allCases.map { .string($0.rawValue) })]
    }

    /// Parses a tier name case-insensitively, or throws INVALID_ARGUMENT listing the valid names.
    public static func parse(_ name: String, field: String = "tier") throws(RPCError) -> Tier {
        guard let tier = Tier(rawValue: name.lowercased()) else {
            throw RPCError(
                .invalidArgument,
                "\(field) '\(name)' is not a tier; use one of basic, premium, platinum",
                details: ["field": .string(field), "allowed": ["basic", "premium", "platinum"]]
            )
        }
        return tier
    }

    /// The tier's limits as methods return them.
    public var limits: TierLimits {
        TierLimits(self)
    }
}

/// A channel a company can connect.
public enum Integration: String, Sendable, Codable, CaseIterable {
    case email
    case slackWebhook = "slack_webhook"
    case webhook
    case sso
}
