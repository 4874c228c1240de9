import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

/// Applies the events notification subscribes to. Each handler runs inside the write transaction that
/// also records the event in the inbox, so its rows and files are made once per event.
struct NotificationEvents: Sendable {
    let dispatcher: MessageDispatcher
    let alerts: OperatorAlerts
    let logger: Logger

    /// Topic to handler, for `ServiceParts.eventHandlers`.
    var handlers: [String: EventHandler] {
        [
            EventTopic.companyProvisioned: companyProvisioned,
            EventTopic.companyConfigured: companyConfigured,
            EventTopic.companyTierChanged: companyTierChanged,
            EventTopic.companySuspended: companySuspended,
            EventTopic.companyReactivated: companyReactivated,
            EventTopic.companyDeleted: companyDeleted,
            EventTopic.userInvited: userInvited,
            EventTopic.userActivated: userStatusChanged,
            EventTopic.userDeactivated: userStatusChanged,
            EventTopic.userReactivated: userStatusChanged,
            EventTopic.userUpdated: userUpdated,
            EventTopic.userAccessRecoveryIssued: userAccessRecoveryIssued,
            EventTopic.usageThresholdReached: usageThresholdReached,
            EventTopic.gatewayFailures: gatewayFailures,
        ]
    }

    /// Loads the company an event names, or returns nil (after logging) when it was deleted and gets no
    /// more messages.
    ///
    /// Throws FAILED_PRECONDITION for a company that was never provisioned here: such an event can
    /// never apply.
    func liveCompany(_ payload: EventPayload, in connection: Connection) throws -> CompanyRecord? {
        let companyID = try payload.string("company_id")
        guard let company = try CompanyRecord.load(companyID, in: connection) else {
            throw RPCError(
                .failedPrecondition,
                "event \(payload.event.eventID) (\(payload.event.topic)) names company \(companyID), "
                    + "but no company.provisioned event for it reached notification; check the publisher's outbox",
                details: ["company_id": .string(companyID)]
            )
        }
        guard company.status != .deleted else {
            logger.debug(
                "event.ignored_for_deleted_company", ["event": payload.event.eventID, "company_id": companyID])
            return nil
        }
        return company
    }

    /// Builds an email to each of the company's owners (when the company wants email, in the company's
    /// branding when it has one) and the webhook post (when the company has one its tier allows).
    /// `text` builds the words for an owner's name.
    ///
    /// The owners are the company's active owners, or its invited owners while none has accepted yet.
    /// A company left with neither (its owners were demoted or deactivated) gets no email, and its
    /// webhook post greets the first owner by name.
    func ownerMessages(
        _ company: CompanyRecord, kind: MessageKind, dateMs: Int64, in connection: Connection,
        text: (_ ownerName: String) -> MessageText
    ) throws -> [OutgoingMessage] {
        let owners = try CompanyUsers.ownerMailboxes(companyID: company.companyID, in: connection)

        var messages: [OutgoingMessage] = []
        if company.emailEnabled {
            for owner in owners {
                messages.append(
                    .email(kind, to: owner, text: text(owner.name), dateMs: dateMs, branding: company.activeBranding))
            }
        }
        let chatText = text(owners.first?.name ?? company.ownerName)
        if let url = company.activeWebhook, chatText.chat != nil {
            messages.append(OutgoingMessage(kind: kind, destination: .webhook(url), text: chatText, dateMs: dateMs))
        }
        return messages
    }
}
