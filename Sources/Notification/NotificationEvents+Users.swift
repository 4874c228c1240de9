import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

extension NotificationEvents {
    /// Mails an invitation to a user added to a company. Invitations go out whatever the company's email
    /// preference, since the user cannot get an API key without one.
    func userInvited(_ event: MeshEvent, _ connection: Connection) throws {
        let payload = EventPayload(event)
        guard let company = try liveCompany(payload, in: connection) else {
            return
        }
        let mailbox = try Mailbox(name: payload.optionalString("name") ?? "", address: try payload.string("email"), field: payload.field("email"))
        let roleName = payload.optionalString("role") ?? Role.member.rawValue
        guard let role = Role(rawValue: roleName) else {
            throw RPCError.invalidArgument(
                field: payload.field("role"),
                "event \(event.eventID) (\(event.topic)) has role '\(roleName.prefix(40))'; the publisher must send one of "
                    + Role.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        let invitation = try payload.object("invitation")
        let token = try invitation.string("token")
        try InvitationToken.validate(token, field: invitation.field("token"))
        let expiresAtMs = try invitation.int("expires_at_ms")
        let atMs = payload.instant("at_ms")

        let text = MessageTemplates.invitation(
            company: company.name, inviteeName: mailbox.name, role: role.rawValue, token: token, expiresAtMs: expiresAtMs
        )
        let message = OutgoingMessage(kind: .invitation, destination: .email(mailbox), text: text, dateMs: atMs)
        try dispatcher.dispatch([message], for: event, companyID: company.companyID, in: connection)
    }
}
