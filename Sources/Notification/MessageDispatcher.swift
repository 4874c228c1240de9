import MeshRuntime
import MeshStore

/// Records messages and delivers the emails, inside the write transaction of the event that caused them.
///
/// Exactly one row and at most one `.eml` file per (event, recipient, channel):
/// - the message id is derived from that triple, so every run of a handler for one event uses the same
///   id, the same row and the same file name;
/// - the row is inserted with `ON CONFLICT DO NOTHING`, and a message whose row already exists is
///   skipped, even if the inbox record of its event was pruned;
/// - the `.eml` file is written (temporary file, fsync, rename) before the transaction commits. If the
///   transaction then fails or the process stops, the event is not acknowledged, its redelivery runs the
///   handler again, and the rename replaces the file with the same bytes (templates and the `Date`
///   header depend only on the event). Once the transaction commits, the inbox turns redeliveries away.
///
/// With an SMTP relay, the email rows stay `pending` after the file is written, and `MessageSender.mail`
/// hands the files to the relay.
///
/// Token-carrying kinds never store their text: the database contains the subject and the recipient,
/// and only the `.eml` file contains the body.
struct MessageDispatcher: Sendable {
    let outbox: OutboxFolder
    let clock: MeshClock
    let logger: Logger
    /// Whether an SMTP relay is configured. Its emails stay `pending` after the file is written, until the
    /// mail sender hands them to the relay.
    var relayed = false

    func dispatch(_ messages: [OutgoingMessage], for event: MeshEvent, companyID: String, in connection: Connection)
        throws
    {
        let now = clock.nowMs()

        for message in messages {
            let messageID = MessageID.derive(
                eventID: event.eventID, recipient: message.recipient, channel: message.channel)
            guard try insert(message, id: messageID, event: event, companyID: companyID, now: now, in: connection)
            else {
                logger.debug("message.already_recorded", ["message_id": messageID, "event": event.eventID])
                continue
            }

            if case .email(let mailbox) = message.destination {
                let email = EmailMessage(
                    from: message.sender,
                    to: mailbox,
                    subject: message.text.subject,
                    dateMs: message.dateMs,
                    messageID: messageID,
                    body: message.text.body
                )
                try outbox.write(email.rendered(), messageID: messageID)
                if !relayed {
                    try connection.execute(
                        "UPDATE messages SET status = 'sent', attempts = 1, sent_at_ms = ? WHERE message_id = ?",
                        [.integer(now), .text(messageID)]
                    )
                }
            }

            logger.info(
                "message.recorded",
                [
                    "message_id": messageID, "company_id": companyID, "kind": message.kind.rawValue,
                    "channel": message.channel.rawValue,
                ]
            )
        }
    }

    /// Inserts the message row and returns true, or returns false when the row already exists.
    private func insert(
        _ message: OutgoingMessage,
        id messageID: String,
        event: MeshEvent,
        companyID: String,
        now: Int64,
        in connection: Connection
    ) throws -> Bool {
        // Only webhook messages keep their text, and no token-carrying kind is ever sent by webhook.
        var webhookText: String?
        if message.channel == .webhook, !message.kind.carriesToken {
            webhookText = message.text.chat
        }

        try connection.execute(
            """
            INSERT INTO messages (message_id, event_id, company_id, recipient, channel, kind, subject, status,
                attempts, next_attempt_ms, webhook_text, created_at_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """,
            [
                .text(messageID), .text(event.eventID), .text(companyID), .text(message.recipient),
                .text(message.channel.rawValue), .text(message.kind.rawValue), .text(message.text.subject),
                message.channel == .webhook || relayed ? .integer(now) : .null, SQLValue(webhookText), .integer(now),
            ]
        )
        return connection.changes == 1
    }
}
