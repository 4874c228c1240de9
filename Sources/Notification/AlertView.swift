import MeshProtocol
import MeshRuntime
import MeshStore

/// An operator alert as `notifications.alerts` returns it.
public struct AlertView: Codable, Sendable, Hashable, MemberSchemaProviding {
    public let rule: AlertRule
    /// The rule in words.
    public let condition: String
    public let firedAtMs: Int64
    /// The figures that made the rule fire, in words and as JSON.
    public let summary: String
    public let figures: JSONValue
    /// The event whose arrival fired it.
    public let eventID: String
    /// The email to the operator. `notifications.get` shows it with `company_id` `""`.
    public let messageID: String
    /// The email's delivery status: `sent`, or with an SMTP relay also `pending`, `failed` or `dead`.
    public let messageStatus: MessageStatus?

    /// Each rule names its own figures, so only their container is fixed.
    public static var memberSchemas: [String: JSONValue] {
        [CodingKeys.figures.rawValue: ["type": "object"]]
    }

    enum CodingKeys: String, CodingKey {
        case rule
        case condition
        case firedAtMs = "fired_at_ms"
        case summary
        case figures
        case eventID = "event_id"
        case messageID = "message_id"
        case messageStatus = "message_status"
    }

    init(row: Row) throws {
        let ruleName = try row.requireString("rule")
        guard let rule = AlertRule(rawValue: ruleName) else {
            throw RuntimeFailure(
                "alert \(row.int("seq") ?? 0) names rule '\(ruleName)', which this version does not know; "
                    + "upgrade the notification service"
            )
        }
        self.rule = rule
        condition = rule.condition
        firedAtMs = try row.requireInt("fired_at_ms")
        summary = try row.requireString("summary")
        figures = try JSONParser.parse(try row.requireString("figures"))
        eventID = try row.requireString("event_id")
        messageID = try row.requireString("message_id")
        messageStatus = row.string("status").flatMap(MessageStatus.init(rawValue:))
    }

    /// Reads one page of alerts, newest first, before `beforeSeq` when given, and the next page's cursor.
    static func page(beforeSeq: Int64?, limit: Int, in connection: Connection) throws -> (
        alerts: [AlertView], nextCursor: String?
    ) {
        let page = try SeqPage.read(
            """
            SELECT a.seq, a.rule, a.event_id, a.fired_at_ms, a.summary, a.figures, a.message_id, m.status
            FROM alerts AS a LEFT JOIN messages AS m ON m.message_id = a.message_id
            WHERE a.seq < ? ORDER BY a.seq DESC LIMIT ?
            """,
            [], beforeSeq: beforeSeq, limit: limit, in: connection, make: AlertView.init(row:)
        )
        return (page.items, page.nextCursor)
    }
}
