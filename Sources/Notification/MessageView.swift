import MeshRuntime
import MeshStore

/// A message as the methods return it: where it went and how delivery went, never its text.
public struct MessageView: Codable, Sendable, Hashable {
    public let messageID: String
    public let companyID: String
    public let eventID: String
    public let kind: MessageKind
    public let channel: MessageChannel
    /// The email address, or the webhook URL.
    public let recipient: String
    public let subject: String
    public let status: MessageStatus
    public let attempts: Int
    /// When the next attempt is due; null once the message is sent or dead.
    public let nextAttemptMs: Int64?
    public let lastError: String?
    public let createdAtMs: Int64
    public let sentAtMs: Int64?

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id"
        case companyID = "company_id"
        case eventID = "event_id"
        case kind
        case channel
        case recipient
        case subject
        case status
        case attempts
        case nextAttemptMs = "next_attempt_ms"
        case lastError = "last_error"
        case createdAtMs = "created_at_ms"
        case sentAtMs = "sent_at_ms"
    }

    /// The columns `init(row:)` reads, for SELECT lists.
    static let columns = """
        message_id, company_id, event_id, kind, channel, recipient, subject, status, attempts, next_attempt_ms,
        last_error, created_at_ms, sent_at_ms, seq
        """

    init(row: Row) throws {
        let kindName = try row.requireString("kind")
        let channelName = try row.requireString("channel")
        let statusName = try row.requireString("status")
        guard let kind = MessageKind(rawValue: kindName), let channel = MessageChannel(rawValue: channelName),
            let status = MessageStatus(rawValue: statusName)
        else {
            throw RuntimeFailure(
                "message \(row.string("message_id") ?? "?") contains kind '\(kindName)', channel '\(channelName)' and "
                    + "status '\(statusName)', which this version does not know; upgrade the notification service"
            )
        }

        messageID = try row.requireString("message_id")
        companyID = try row.requireString("company_id")
        eventID = try row.requireString("event_id")
        self.kind = kind
        self.channel = channel
        recipient = try row.requireString("recipient")
        subject = try row.requireString("subject")
        self.status = status
        attempts = Int(try row.requireInt("attempts"))
        nextAttemptMs = row.int("next_attempt_ms")
        lastError = row.string("last_error")
        createdAtMs = try row.requireInt("created_at_ms")
        sentAtMs = row.int("sent_at_ms")
    }

    /// Writes every member, null ones included, so a client may read each member the docs list.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(messageID, forKey: .messageID)
        try container.encode(companyID, forKey: .companyID)
        try container.encode(eventID, forKey: .eventID)
        try container.encode(kind, forKey: .kind)
        try container.encode(channel, forKey: .channel)
        try container.encode(recipient, forKey: .recipient)
        try container.encode(subject, forKey: .subject)
        try container.encode(status, forKey: .status)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(nextAttemptMs, forKey: .nextAttemptMs)
        try container.encode(lastError, forKey: .lastError)
        try container.encode(createdAtMs, forKey: .createdAtMs)
        try container.encode(sentAtMs, forKey: .sentAtMs)
    }
}
