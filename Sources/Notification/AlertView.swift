import MeshProtocol
import MeshRuntime
import MeshStore

/// An operator alert as `notifications.alerts` returns it.
public struct AlertView: Codable, Sendable, Hashable {
    public let rule: AlertRule
    /// The rule in words.
    public let condition: String
    public let firedAtMs: Int64
    /// The figures that made the rule fire, in words and as JSON.
    public let summary: String
    public let figures: JSONValue
    /// The event whose arrival fired it.
    public let eventID: String
    /// The email to the operator, which `notifications.get` shows with company id "".
    public let messageID: String

    enum CodingKeys: String, CodingKey {
        case rule
        case condition
        case firedAtMs = "fired_at_ms"
        case summary
        case figures
        case eventID = "event_id"
        case messageID = "message_id"
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
    }

    /// Reads one page of alerts, newest first, before `beforeSeq` when given, and the next page's cursor.
    static func page(beforeSeq: Int64?, limit: Int, in connection: Connection) throws -> (
        alerts: [AlertView], nextCursor: String?
    ) {
        let rows = try connection.query(
            """
            SELECT seq, rule, event_id, fired_at_ms, summary, figures, message_id FROM alerts
            WHERE seq < ? ORDER BY seq DESC LIMIT ?
            """,
            [.integer(beforeSeq ?? Int64.max), .integer(Int64(limit) + 1)]
        )

        let pageRows = rows.prefix(limit)
        let alerts = try pageRows.map(AlertView.init(row:))
        let nextCursor = rows.count > limit ? pageRows.last?.int("seq").map { String($0) } : nil
        return (alerts, nextCursor)
    }
}
