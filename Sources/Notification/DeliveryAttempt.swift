/// One started attempt: a message, where it goes, and the number of this attempt.
struct DeliveryAttempt: Sendable {
    let messageID: String
    /// The webhook URL or the email address.
    let recipient: String
    /// The webhook text; nil for an email, whose bytes are its `.eml` file.
    let text: String?
    /// Counted from 1.
    let number: Int
}
