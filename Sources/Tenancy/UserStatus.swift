import MeshRuntime

/// The state of a user, from invitation to deactivation.
public enum UserStatus: String, Codable, Sendable, CaseIterable, JSONSchemaProviding {
    /// Holds a seat and an unused invitation; has no API key yet.
    case invited
    case active
    /// Keeps no seat; the gateway refuses the user's keys.
    case deactivated
}
