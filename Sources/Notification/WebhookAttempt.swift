/// One claimed attempt: a webhook message and the number of this attempt.
struct WebhookAttempt: Sendable {
    let messageID: String
    let url: String
    let text: String?
    /// Counted from 1.
    let number: Int
}
