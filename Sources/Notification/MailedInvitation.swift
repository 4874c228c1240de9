import MeshProtocol

/// The members of a user event that carries a token to mail: the recipient, the checked token, and
/// when the token expires and the event happened.
struct MailedInvitation {
    let mailbox: Mailbox
    let token: String
    let expiresAtMs: Int64
    let atMs: Int64

    init(_ payload: EventPayload) throws {
        mailbox = try Mailbox(
            name: payload.optionalString("name") ?? "", address: try payload.string("email"),
            field: payload.field("email"))
        let invitation = try payload.object("invitation")
        token = try invitation.string("token")
        try InvitationToken.validate(token, field: invitation.field("token"))
        expiresAtMs = try invitation.int("expires_at_ms")
        atMs = try payload.instant("at_ms")
    }
}
