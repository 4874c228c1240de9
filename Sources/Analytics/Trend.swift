import MeshProtocol
import MeshRuntime

/// A count in the latest 30-day period next to the same count in the 30 days before.
public struct Trend: Codable, Sendable, Equatable {
    public var current: Int64
    public var previous: Int64
    public var changePercent: TrendChange

    enum CodingKeys: String, CodingKey {
        case current
        case previous
        case changePercent = "change_percent"
    }

    init(current: Int64, previous: Int64) {
        self.current = current
        self.previous = previous
        self.changePercent = TrendChange(current: current, previous: previous)
    }
}

/// The change from the previous period: a percentage, or "new" when the previous period had nothing
/// and this one has something. Both periods empty is a change of 0.
public enum TrendChange: Codable, Sendable, Equatable, JSONSchemaProviding {
    case percent(Double)
    case new

    init(current: Int64, previous: Int64) {
        if previous == 0 {
            self = current > 0 ? .new : .percent(0)
        } else {
            let change = Double(current - previous) * 100 / Double(previous)
            self = .percent((change * 10).rounded() / 10)
        }
    }

    public static var jsonSchema: JSONValue {
        ["oneOf": [["type": "number"], ["type": "string", "enum": ["new"]]]]
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self), text == "new" {
            self = .new
        } else {
            self = .percent(try container.decode(Double.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .percent(let value):
            try container.encode(value)
        case .new:
            try container.encode("new")
        }
    }
}

/// Month-over-month trends: the 30 UTC days ending today against the 30 days before them.
public struct Trends: Codable, Sendable, Equatable {
    public var currentFromDay: String
    public var currentToDay: String
    public var previousFromDay: String
    public var previousToDay: String
    public var issuesCreated: Trend
    public var issuesResolved: Trend

    enum CodingKeys: String, CodingKey {
        case currentFromDay = "current_from_day"
        case currentToDay = "current_to_day"
        case previousFromDay = "previous_from_day"
        case previousToDay = "previous_to_day"
        case issuesCreated = "issues_created"
        case issuesResolved = "issues_resolved"
    }

    /// Length of each compared period, in days.
    static let periodDays: Int64 = 30
}
