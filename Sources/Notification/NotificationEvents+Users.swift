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
        let role = try Self.role(payload.optionalString("role") ?? Role.member.rawValue, of: payload)

        try CompanyUsers.invited(
            companyID: company.companyID, userID: try payload.string("user_id"), mailbox: mailed.mailbox, role: role,
            atMs: mailed.atMs, in: connection)

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

    /// Keeps a user's status for choosing the owners that notices go to.
    func userStatusChanged(_ event: MeshEvent, _ connection: Connection) throws {
        let payload = EventPayload(event)
        guard let company = try liveCompany(payload, in: connection) else {
            return
        }

        let userID = try payload.string("user_id")
        try CompanyUsers.statusChanged(
            companyID: company.companyID, userID: userID, topic: event.topic, atMs: payload.instant("at_ms"),
            in: connection)
        if event.topic == EventTopic.userDeactivated {
            try abandonEmails(toUser: userID, companyID: company.companyID, in: connection)
        }
    }

    /// Stops the emails still waiting to go to a user who was deactivated. The usual case is an
    /// invitation to a mistyped address, whose token must not reach a stranger. The messages become
    /// `dead` without an operator alert, since the company chose this.
    func abandonEmails(toUser userID: String, companyID: String, in connection: Connection) throws {
        guard
            let email = try connection.queryOne(
                "SELECT email FROM users WHERE company_id = ? AND user_id = ?", [.text(companyID), .text(userID)]
            )?.string("email")
        else {
            return
        }

        let waiting = try connection.query(
            """
            SELECT message_id FROM messages
            WHERE company_id = ? AND channel = 'email' AND recipient = ? AND status IN ('pending', 'failed')
            """,
            [.text(companyID), .text(email)]
        ).compactMap { $0.string("message_id") }
        for messageID in waiting {
            try connection.execute(
                "UPDATE messages SET status = 'dead', next_attempt_ms = NULL, last_error = ? WHERE message_id = ?",
                [.text(Self.deactivatedRecipient(userID)), .text(messageID)]
            )
            try connection.execute(
                "INSERT INTO dead_message_alerts (message_id) VALUES (?) ON CONFLICT DO NOTHING", [.text(messageID)])
        }
        if !waiting.isEmpty {
            logger.info(
                "messages.abandoned", ["company_id": companyID, "user_id": userID, "messages": "\(waiting.count)"])
        }
    }

    /// Returns the `last_error` of an email that a deactivation stopped.
    static func deactivatedRecipient(_ userID: String) -> String {
        "user \(userID) was deactivated before this email was delivered, so it was not sent; reactivate the user "
            + "and send a new invitation or token, since this one may have gone to a mistyped address"
    }

    /// Keeps a user's role for choosing the owners that notices go to.
    func userUpdated(_ event: MeshEvent, _ connection: Connection) throws {
        let payload = EventPayload(event)
        guard let company = try liveCompany(payload, in: connection) else {
            return
        }
        let role = try Self.role(try payload.string("role"), of: payload)

        try CompanyUsers.roleChanged(
            companyID: company.companyID, userID: try payload.string("user_id"), role: role, in: connection)
    }

    /// Parses the role an event names, or throws INVALID_ARGUMENT naming the roles the publisher must use.
    private static func role(_ name: String, of payload: EventPayload) throws -> Role {
        guard let role = Role(rawValue: name) else {
            throw RPCError.invalidArgument(
                field: payload.field("role"),
                "event \(payload.event.eventID) (\(payload.event.topic)) has role '\(name.prefix(40))'; the publisher must send one of "
                    + Role.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        return role
    }
}
