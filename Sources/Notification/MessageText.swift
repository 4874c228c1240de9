/// The words of one message: an email subject and body, and the one-line text a webhook posts.
struct MessageText: Sendable, Hashable {
    let subject: String
    let body: String
    /// The webhook text; nil for kinds that carry an invitation token and so never go to a webhook.
    let chat: String?
}
