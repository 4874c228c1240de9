import MeshRuntime

/// The delivery state of a message.
public enum MessageStatus: String, Sendable, Codable, CaseIterable, JSONSchemaProviding {
    /// Recorded, no attempt made yet.
    case pending
    /// Delivered: the `.eml` file is in the outbox, or the webhook responded 2xx.
    case sent
    /// The last webhook attempt failed; another is scheduled at `next_attempt_ms`.
    case failed
    /// Every webhook attempt failed (or the company was deleted first); nothing more is tried unless an
    /// operator calls `notifications.retry`.
    case dead
}
