/// One message a handler wants sent: its kind, where it goes, and its words.
struct OutgoingMessage: Sendable {
    enum Destination: Sendable {
        case email(Mailbox)
        /// A URL already accepted by `WebhookTarget.parse`.
        case webhook(String)
    }

    let kind: MessageKind
    let destination: Destination
    let text: MessageText
    /// The instant the event describes; the email's `Date` header.
    let dateMs: Int64
    /// The email's `From`: TenantMesh, or the company's branding display name.
    var sender: Mailbox = .sender

    /// Builds an email to `mailbox`. With `branding`, it comes from the branding's display name and ends
    /// with its footer.
    static func email(
        _ kind: MessageKind,
        to mailbox: Mailbox,
        text: MessageText,
        dateMs: Int64,
        branding: CompanyBranding?
    ) -> OutgoingMessage {
        guard let branding else {
            return OutgoingMessage(kind: kind, destination: .email(mailbox), text: text, dateMs: dateMs)
        }
        return OutgoingMessage(
            kind: kind, destination: .email(mailbox), text: branding.apply(to: text), dateMs: dateMs,
            sender: branding.sender)
    }

    var channel: MessageChannel {
        switch destination {
        case .email:
            return .email
        case .webhook:
            return .webhook
        }
    }

    /// The address or URL that, with the event id and the channel, makes the message unique.
    var recipient: String {
        switch destination {
        case .email(let mailbox):
            return mailbox.address
        case .webhook(let url):
            return url
        }
    }
}
