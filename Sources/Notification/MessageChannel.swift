import MeshRuntime

/// The way a message reaches its recipient.
public enum MessageChannel: String, Sendable, Codable, CaseIterable, JSONSchemaProviding {
    /// An RFC 5322 `.eml` file written to the mesh home's `outbox/` folder.
    case email
    /// A Slack-style JSON POST to a loopback URL the company configured.
    case webhook
}
