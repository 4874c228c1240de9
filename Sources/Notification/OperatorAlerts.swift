import MeshProtocol
import MeshRuntime
import MeshStore

/// Applies the operator alert rules and mails the operator when a rule's condition becomes met.
///
/// A rule fires once when its condition becomes met, and again only after the condition stopped being
/// met. A windowed rule's count rises only when an event adds to it, so the rule states whether the
/// condition held just before that event's counts, and fires when it did not. The suspended-companies
/// rule fires when the previous evaluation found it unmet. Every evaluation runs inside the transaction
/// of the event that caused it, so an event redelivered after a failure evaluates once.
struct OperatorAlerts: Sendable {
    let dispatcher: MessageDispatcher
    let operatorMailbox: Mailbox

    /// Records whether the condition of `rule` is met at `atMs`, and sends an alert when it becomes met.
    ///
    /// - Parameters:
    ///   - heldBefore: whether the condition was met just before this event, for a windowed rule; nil
    ///     takes the previous evaluation's result.
    ///   - summary: the figures in words, for the message.
    ///   - figures: the same figures as JSON, kept with the alert.
    func evaluate(
        _ rule: AlertRule,
        conditionMet: Bool,
        heldBefore: Bool? = nil,
        summary: String,
        figures: JSONValue,
        event: MeshEvent,
        atMs: Int64,
        in connection: Connection
    ) throws {
        let state = try connection.queryOne(
            "SELECT firing, last_held_at_ms FROM alert_rules WHERE rule = ?", [.text(rule.rawValue)]
        )
        let firing = state?.bool("firing") ?? false
        let lastHeld = state?.int("last_held_at_ms")

        try connection.execute(
            """
            INSERT INTO alert_rules (rule, firing, last_held_at_ms) VALUES (?, ?, ?)
            ON CONFLICT (rule) DO UPDATE SET firing = excluded.firing, last_held_at_ms = excluded.last_held_at_ms
            """,
            [.text(rule.rawValue), SQLValue(conditionMet), conditionMet ? .integer(atMs) : SQLValue(lastHeld)]
        )
        guard conditionMet else {
            return
        }

        guard !(heldBefore ?? firing) else {
            return
        }

        // One event can fire both windowed rules, and each alert is a message of its own, so the message
        // is keyed by the event and the rule.
        let alertEvent = MeshEvent(
            eventID: "\(event.eventID):\(rule.rawValue)", topic: event.topic, payload: event.payload,
            createdAtMs: event.createdAtMs, source: event.source)
        let text = MessageTemplates.operatorAlert(rule: rule, summary: summary, atMs: atMs)
        let message = OutgoingMessage(
            kind: .operatorAlert, destination: .email(operatorMailbox), text: text, dateMs: atMs)
        let messageID = MessageID.derive(
            eventID: alertEvent.eventID, recipient: operatorMailbox.address, channel: .email)

        try connection.execute(
            """
            INSERT INTO alerts (rule, event_id, fired_at_ms, summary, figures, message_id) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """,
            [
                .text(rule.rawValue), .text(event.eventID), .integer(atMs), .text(summary),
                .text(JSONWriter.string(figures)), .text(messageID),
            ]
        )
        try dispatcher.dispatch([message], for: alertEvent, companyID: "", in: connection)
    }
}
