import MeshProtocol
import MeshRuntime

/// Advice drawn from a company's data: the rule that fired, what to do, and the figures that fired it.
public struct Recommendation: Codable, Sendable, Equatable {
    /// A stable name of the rule, for example "users_near_limit".
    public var rule: String
    public var message: String
    /// The measured values and the thresholds they were compared with.
    public var figures: JSONValue

    public init(rule: String, message: String, figures: JSONValue) {
        self.rule = rule
        self.message = message
        self.figures = figures
    }
}

extension Recommendation: MemberSchemaProviding {
    /// Each rule names its own figures, so only their container is fixed.
    public static var memberSchemas: [String: JSONValue] {
        ["figures": ["type": "object"]]
    }
}
