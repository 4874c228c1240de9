import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

extension NotificationEvents {
    /// Stores the company and its owner, and mails the owner's invitation.
    func companyProvisioned(_ event: MeshEvent, _ connection: Connection) throws {
        let payload = EventPayload(event)
        let companyID = try payload.string("company_id")
        let name = try payload.string("name")
        let tier = try Tier.parse(try payload.string("tier"), field: payload.field("tier"))
        let owner = try payload.object("owner")
        let ownerUserID = try owner.string("user_id")
        let mailbox = try Mailbox(
            name: owner.optionalString("name") ?? "", address: try owner.string("email"), field: owner.field("email"))
        let invitation = try payload.object("invitation")
        let token = try invitation.string("token")
        try InvitationToken.validate(token, field: invitation.field("token"))
        let expiresAtMs = try invitation.int("expires_at_ms")
        let createdAtMs = try payload.instant("created_at_ms")

        var company =
            try CompanyRecord.load(companyID, in: connection)
            ?? CompanyRecord(
                companyID: companyID, name: name, tier: tier, status: .active, ownerUserID: ownerUserID,
                ownerEmail: mailbox.address, ownerName: mailbox.name, emailEnabled: true, webhookIntegration: nil,
                webhookURL: nil, webhookProblem: nil, branding: nil, createdAtMs: createdAtMs,
                updatedAtMs: createdAtMs, deletedAtMs: nil
            )
        company.name = name
        company.tier = tier
        company.ownerUserID = ownerUserID
        company.ownerEmail = mailbox.address
        company.ownerName = mailbox.name
        company.updatedAtMs = createdAtMs
        try company.save(in: connection)
        try CompanyUsers.invited(
            companyID: companyID, userID: ownerUserID, mailbox: mailbox, role: .owner, atMs: createdAtMs,
            in: connection)

        let text = MessageTemplates.welcome(
            company: name, companyID: companyID, tier: tier, ownerName: mailbox.name, token: token,
            expiresAtMs: expiresAtMs
        )
        let welcome = OutgoingMessage.email(
            .welcome, to: mailbox, text: text, dateMs: createdAtMs, branding: company.activeBranding)
        try dispatcher.dispatch([welcome], for: event, companyID: companyID, in: connection)
    }

    /// Takes the email preference, the webhook and the branding from the company's new settings.
    ///
    /// The owner's email is on while `settings.notifications.email` is true and `settings.integrations`
    /// contains `email`.
    ///
    /// A webhook is on when `settings.integrations` contains `slack_webhook` or `webhook` and
    /// `settings.webhook_url` is a loopback URL. Any other URL is rejected: the webhook is turned off
    /// and the reason kept in `webhook_problem`, because posting to an address the company no longer
    /// chose would be worse than not posting.
    ///
    /// `settings.branding` sets the display name and footer of the company's emails; without it they are
    /// TenantMesh's own. The `sso` integration sends nothing and is ignored here.
    func companyConfigured(_ event: MeshEvent, _ connection: Connection) throws {
        let payload = EventPayload(event)
        guard var company = try liveCompany(payload, in: connection) else {
            return
        }

        let settings = try payload.object("settings")
        let previousWebhook = company.activeWebhook

        let integrations = Set(settings.value["integrations"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        // Email needs both the preference and the email integration; settings without a member keep
        // what the company had.
        let wantsEmail = try settings.optionalObject("notifications")?.optionalBool("email") ?? company.emailEnabled
        let allowsEmail = settings.value["integrations"] == nil || integrations.contains(Integration.email.rawValue)
        company.emailEnabled = wantsEmail && allowsEmail

        let integration: Integration? =
            integrations.contains(Integration.slackWebhook.rawValue)
            ? .slackWebhook
            : integrations.contains(Integration.webhook.rawValue) ? .webhook : nil
        company.webhookIntegration = integration
        company.webhookURL = nil
        company.webhookProblem = nil
        if let integration {
            if let url = try settings.optionalString("webhook_url") {
                do throws(RPCError) {
                    company.webhookURL = try WebhookTarget.parse(url, field: settings.field("webhook_url")).url
                } catch {
                    company.webhookProblem = error.message
                    logger.notice(
                        "webhook.rejected",
                        ["company_id": company.companyID, "event": event.eventID, "error": error.message])
                }
            } else {
                company.webhookProblem =
                    "\(settings.field("integrations")) enables \(integration.rawValue) "
                    + "but \(settings.field("webhook_url")) is missing; set it to http://127.0.0.1:PORT/path"
            }
        }

        company.branding = try CompanyBranding(settings: settings)
        company.updatedAtMs = try payload.instant("at_ms")
        try company.save(in: connection)

        if let previousWebhook, previousWebhook != company.activeWebhook {
            try abandonWebhookMessages(
                companyID: company.companyID,
                url: previousWebhook,
                reason: "the company changed or removed its webhook before this message was delivered",
                in: connection
            )
        }
    }

    /// Dead-letters the pending and failed messages of a company: all of them, or those to one webhook URL.
    func abandonWebhookMessages(companyID: String, url: String?, reason: String, in connection: Connection) throws {
        try connection.execute(
            """
            UPDATE messages SET status = 'dead', next_attempt_ms = NULL, last_error = ?
            WHERE company_id = ? AND status IN ('pending', 'failed') AND (? IS NULL OR recipient = ?)
            """,
            [.text(reason), .text(companyID), SQLValue(url), SQLValue(url)]
        )
        logger.info("messages.abandoned", ["company_id": companyID, "messages": "\(connection.changes)"])
    }

    /// Stops all sending for the company; its messages stay as history.
    func companyDeleted(_ event: MeshEvent, _ connection: Connection) throws {
        let payload = EventPayload(event)
        guard var company = try liveCompany(payload, in: connection) else {
            return
        }

        let deletedAtMs = try payload.instant("at_ms")
        company.status = .deleted
        company.deletedAtMs = deletedAtMs
        company.updatedAtMs = deletedAtMs
        try company.save(in: connection)

        try abandonWebhookMessages(
            companyID: company.companyID,
            url: nil,
            reason: "the company was deleted before this message was delivered",
            in: connection
        )
        try checkSuspendedCompanies(event, atMs: deletedAtMs, in: connection)
    }
}
