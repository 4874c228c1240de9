import MeshProtocol

/// A company's white-label branding as its emails carry it: the `From` display name, and the footer that
/// replaces the default sign-off. It comes from `settings.branding` of `company.configured`, and applies
/// only while the company's tier has white-label branding.
struct CompanyBranding: Sendable, Hashable {
    let displayName: String
    /// Nil keeps the default sign-off.
    let footer: String?

    /// The sender of the company's emails: its display name with the mesh's own address, so replies still
    /// go nowhere and the SMTP envelope is unchanged.
    var sender: Mailbox {
        Mailbox(trustedName: displayName, trustedAddress: Mailbox.sender.address)
    }

    /// Reads `settings.branding` of a `company.configured` payload: nil when absent or null, since the
    /// event carries the complete settings and a company without branding has none.
    ///
    /// - Throws: INVALID_ARGUMENT naming the member when `display_name` is missing or not a string.
    init?(settings: EventPayload) throws(RPCError) {
        guard let branding = try settings.optionalObject("branding") else {
            return nil
        }
        displayName = try branding.string("display_name")
        footer = try branding.optionalString("footer")
    }

    init(displayName: String, footer: String?) {
        self.displayName = displayName
        self.footer = footer
    }

    /// Returns `text` with the footer after the signature separator in place of the default sign-off. A
    /// body that does not end with `MessageTemplates.signature`, or a branding without a footer, leaves
    /// the text as it is.
    func apply(to text: MessageText) -> MessageText {
        guard let footer, text.body.hasSuffix(MessageTemplates.signature) else {
            return text
        }
        let body = text.body.dropLast(MessageTemplates.signature.count) + MessageTemplates.signatureSeparator + footer
        return MessageText(subject: text.subject, body: String(body), chat: text.chat)
    }
}
