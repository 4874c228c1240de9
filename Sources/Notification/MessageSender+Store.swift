import MeshStore
import TenantModel

extension MessageSender {
    /// Dead-letters the messages of `channel` whose attempt started and never reported back, and returns
    /// their ids.
    ///
    /// The sender runs one pass at a time and stores the outcome of each attempt before it starts the next.
    /// So an attempt still marked started when a pass begins was cut off: the process stopped in the middle
    /// of it, or its outcome could not be stored. The receiver may or may not have that message, and sending
    /// it again could deliver it twice, so it is dead until an operator retries it.
    ///
    /// A message abandoned while its attempt ran (its company changed its webhook) is dead already. It keeps
    /// its status, and the note that the receiver may have it is added to its error.
    static func abandonCutOffAttempts(_ channel: MessageChannel, in connection: Connection) throws -> [String] {
        try connection.execute(
            """
            UPDATE messages SET attempt_started_ms = NULL,
                last_error = last_error || '; attempt ' || attempts || ' was cut off before its outcome was '
                    || 'stored, so the receiver may or may not have the message'
            WHERE channel = ? AND status = 'dead' AND attempt_started_ms IS NOT NULL
            """,
            [.text(channel.rawValue)]
        )

        return try connection.query(
            """
            UPDATE messages SET status = 'dead', next_attempt_ms = NULL, attempt_started_ms = NULL,
                last_error = 'attempt ' || attempts || ' was cut off before its outcome was stored, so the receiver '
                    || 'may or may not have the message; call notifications.retry to send it again'
            WHERE channel = ? AND status IN ('pending', 'failed') AND attempt_started_ms IS NOT NULL
            RETURNING message_id
            """,
            [.text(channel.rawValue)]
        ).compactMap { $0.string("message_id") }
    }

    /// Starts the attempt of the message of `channel` that has been due the longest at `now`, or returns nil
    /// when none is due.
    ///
    /// The attempt is counted, marked started and the time of the next one set right before its message goes
    /// out, so every other due message stays as it was until its own turn. Messages of a deleted company are
    /// skipped. Operator alerts, which belong to no company, are not.
    static func startNextAttempt(_ channel: MessageChannel, now: Int64, in connection: Connection) throws
        -> DeliveryAttempt?
    {
        let rows = try connection.query(
            """
            SELECT m.message_id, m.recipient, m.webhook_text, m.attempts, m.event_id, m.company_id, m.kind,
                m.subject, m.created_at_ms, c.webhook_integration
            FROM messages AS m
            LEFT JOIN companies AS c ON c.company_id = m.company_id
            WHERE m.channel = ? AND m.status IN ('pending', 'failed') AND m.next_attempt_ms <= ?
                AND (m.company_id = '' OR c.status != 'deleted')
            ORDER BY m.next_attempt_ms, m.seq
            LIMIT 1
            """,
            [.text(channel.rawValue), .integer(now)]
        )
        guard let row = rows.first else {
            return nil
        }

        let number = Int(try row.requireInt("attempts")) + 1
        let messageID = try row.requireString("message_id")
        try connection.execute(
            "UPDATE messages SET attempts = ?, next_attempt_ms = ?, attempt_started_ms = ? WHERE message_id = ?",
            [.integer(Int64(number)), .integer(now + backoffMs(afterAttempt: number)), .integer(now), .text(messageID)]
        )
        var attempt = DeliveryAttempt(
            messageID: messageID, recipient: try row.requireString("recipient"), text: row.string("webhook_text"),
            number: number
        )
        attempt.details = DeliveryAttempt.Details(
            eventID: row.string("event_id") ?? "", companyID: row.string("company_id") ?? "",
            kind: row.string("kind") ?? "", subject: row.string("subject") ?? "",
            createdAtMs: row.int("created_at_ms") ?? 0,
            integration: row.string("webhook_integration").flatMap(Integration.init(rawValue:))
        )
        return attempt
    }

    /// Stores the outcome of an attempt and returns the message's new status.
    ///
    /// Only a message still at this attempt is changed; one that was reset or dead-lettered meanwhile
    /// keeps its state, and nil is returned.
    static func record(_ outcome: DeliveryOutcome, for attempt: DeliveryAttempt, now: Int64, in connection: Connection)
        throws -> MessageStatus?
    {
        let status: MessageStatus
        switch outcome {
        case .delivered:
            // A message abandoned during its attempt (its company deleted, its webhook changed) that the
            // receiver took anyway was sent, so it is recorded as sent.
            status = .sent
            try connection.execute(
                """
                UPDATE messages SET status = 'sent', sent_at_ms = ?, next_attempt_ms = NULL, last_error = NULL,
                    attempt_started_ms = NULL
                WHERE message_id = ? AND attempts = ? AND status IN ('pending', 'failed', 'dead')
                """,
                [.integer(now), .text(attempt.messageID), .integer(Int64(attempt.number))]
            )
        case .uncertain(let problem):
            status = .dead
            try markDead(
                attempt,
                reason: "\(problem). The receiver may have the message, so it is not sent again on its own; after "
                    + "checking, notifications.retry sends it again",
                in: connection)
        case .unreachable(let problem):
            status = try recordUnreachable(problem, for: attempt, now: now, in: connection)
        case .rejected(let problem):
            status = .dead
            try markDead(
                attempt,
                reason: "\(problem). The refusal is permanent, so it is not tried again; after fixing its cause, "
                    + "notifications.retry sends it again",
                in: connection)
        case .failed(let problem):
            let isLast = attempt.number >= maximumAttempts
            status = isLast ? .dead : .failed
            try connection.execute(
                """
                UPDATE messages SET status = ?, last_error = ?, attempt_started_ms = NULL,
                    next_attempt_ms = CASE WHEN ? THEN NULL ELSE next_attempt_ms END
                WHERE message_id = ? AND attempts = ? AND status IN ('pending', 'failed')
                """,
                [
                    .text(status.rawValue), .text("attempt \(attempt.number): \(problem)"), SQLValue(isLast),
                    .text(attempt.messageID), .integer(Int64(attempt.number)),
                ]
            )
        }
        let changed = connection.changes == 1

        // A message abandoned during the attempt is dead already, and only the attempt's mark is left to
        // clear. When the receiver may have it, its error records that.
        var note: SQLValue = .null
        if case .uncertain(let problem) = outcome {
            note = .text("attempt \(attempt.number) was under way: \(problem), so the receiver may have the message")
        }
        try connection.execute(
            """
            UPDATE messages SET attempt_started_ms = NULL,
                last_error = CASE WHEN ? IS NULL THEN last_error ELSE last_error || '; ' || ? END
            WHERE message_id = ? AND attempts = ? AND attempt_started_ms IS NOT NULL
            """,
            [note, note, .text(attempt.messageID), .integer(Int64(attempt.number))]
        )
        return changed ? status : nil
    }

    /// Keeps the message of an attempt that reached no receiver waiting, without counting the attempt,
    /// and returns its status: `failed`, or `dead` once it has waited `unreachableGiveUpMs`. The next try
    /// comes after as long as the message has waited so far, from 1 s to at most 5 minutes.
    private static func recordUnreachable(
        _ problem: String,
        for attempt: DeliveryAttempt,
        now: Int64,
        in connection: Connection
    ) throws -> MessageStatus {
        let waited = now - attempt.details.createdAtMs
        guard waited < unreachableGiveUpMs else {
            try markDead(
                attempt,
                reason: "\(problem), and the message has waited a day for it. After fixing the relay, "
                    + "notifications.retry sends it again",
                in: connection)
            return .dead
        }

        let delay = min(max(waited, 1_000), 300_000)
        try connection.execute(
            """
            UPDATE messages SET status = 'failed', attempts = attempts - 1, last_error = ?, attempt_started_ms = NULL,
                next_attempt_ms = ?
            WHERE message_id = ? AND attempts = ? AND status IN ('pending', 'failed')
            """,
            [
                .text("waiting for the receiver: \(problem); this try does not count as an attempt"),
                .integer(now + delay), .text(attempt.messageID), .integer(Int64(attempt.number)),
            ]
        )
        return .failed
    }

    /// Makes the message of `attempt` dead with `reason`, unless it changed since the attempt began.
    private static func markDead(_ attempt: DeliveryAttempt, reason: String, in connection: Connection) throws {
        try connection.execute(
            """
            UPDATE messages SET status = 'dead', last_error = ?, attempt_started_ms = NULL, next_attempt_ms = NULL
            WHERE message_id = ? AND attempts = ? AND status IN ('pending', 'failed')
            """,
            [
                .text("attempt \(attempt.number): \(reason)"), .text(attempt.messageID),
                .integer(Int64(attempt.number)),
            ]
        )
    }
}
