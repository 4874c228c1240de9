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
        let mailed = try MailedInvitation(payload)
        let roleName = payload.optionalString("role") ?? Role.member.rawValue
        guard let role = Role(rawValue: roleName) else {
            throw RPCError.invalidArgument(
                field: payload.field("role"),
                "event \(event.eventID) (\(event.topic)) has role '\(roleName.prefix(40))'; the publisher must send one of "
                    + Role.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }

        let text = MessageTemplates.invitation(
            company: company.name, inviteeName: mailed.mailbox.name, role: role.rawValue, token: mailed.token,
            expiresAtMs: mailed.expiresAtMs
        )
        let message = OutgoingMessage.email(
            .invitation, to: mailed.mailbox, text: text, dateMs: mailed.atMs, branding: company.activeBranding)
        try dispatcher.dispatch([message], for: event, companyID: company.companyID, in: connection)
    }

    /// Mails a recovery invitation to an active user who lost every key. Like an invitation, it goes out
    /// whatever the company's email preference, because without it the user has no way back in.
    func userAccessRecoveryIssued(_ event: MeshEvent, _ connection: Connection) throws {
        let payload = EventPayload(event)
        guard let company = try liveCompany(payload, in: connection) else {
            return
        }
        let mailed = try MailedInvitation(payload)

        let text = MessageTemplates.accessRecovery(
            company: company.name, userName: mailed.mailbox.name, token: mailed.token, expiresAtMs: mailed.expiresAtMs
        )
        let message = OutgoingMessage.email(
            .accessRecovery, to: mailed.mailbox, text: text, dateMs: mailed.atMs, branding: company.activeBranding)
        try dispatcher.dispatch([message], for: event, companyID: company.companyID, in: connection)
    }
}
