import MeshProtocol
import MeshRuntime
import MeshStore

/// Alerts the operator when messages to companies become dead, since nothing sends them again until
/// an operator retries them.
///
/// Each dead message is named in one alert, and again only after `notifications.retry` gave it new
/// attempts and it died again. Two alerts are at least `quietMs` apart, and messages that die in
/// between are named together in the next one. Operator alerts themselves are left out, so an alert
/// that cannot be mailed does not alert about itself, and so are deleted companies' messages.
struct DeadLetterWatch: Sendable {
    let store: Database
    let clock: MeshClock
    let alerts: OperatorAlerts
    let logger: Logger

    /// The shortest time between two alerts of the rule: 15 minutes.
    static let quietMs: Int64 = 15 * 60_000

    /// Checks the rule every `pollInterval` until the task is cancelled.
    func run(pollInterval: Duration = .seconds(5)) async {
        while !Task.isCancelled {
            do {
                try await check()
            } catch is CancellationError {
                break
            } catch {
                logger.error("dead_letter_watch.failed", ["error": "\(error)"])
            }

            do {
                try await Task.sleep(for: pollInterval)
            } catch {
                break
            }
        }
    }

    /// Sends an alert naming the dead messages no alert has named yet, unless one went out within
    /// `quietMs`. Writes nothing when there is nothing to name.
    func check() async throws {
        let now = clock.nowMs()
        try await store.write { [alerts] connection in
            let unnamed = try connection.query(
                """
                SELECT message_id FROM messages
                WHERE status = 'dead' AND kind != 'operator_alert'
                    AND company_id NOT IN (SELECT company_id FROM companies WHERE status = 'deleted')
                    AND message_id NOT IN (SELECT message_id FROM dead_message_alerts)
                ORDER BY seq
                """
            ).compactMap { $0.string("message_id") }
            guard let first = unnamed.first else {
                return
            }
            let lastAlert = try connection.scalarInt(
                "SELECT MAX(fired_at_ms) FROM alerts WHERE rule = ?", [.text(AlertRule.deadMessages.rawValue)])
            // An alert dated after now came before a clock set backwards, so it silences nothing.
            if let lastAlert, lastAlert <= now, now - lastAlert < Self.quietMs {
                return
            }

            // The time and the first message keep each alert's id apart, also for a message that died again.
            let event = MeshEvent(
                eventID: "dead-messages-\(now)-\(first)", topic: "notification.dead_messages",
                payload: ["dead_messages": .int(Int64(unnamed.count))], createdAtMs: now, source: Notification.name)
            let listed = unnamed.prefix(10).joined(separator: ", ") + (unnamed.count > 10 ? ", ..." : "")
            try alerts.evaluate(
                .deadMessages,
                conditionMet: true,
                heldBefore: false,
                summary: unnamed.count == 1
                    ? "1 message became dead: \(first)." : "\(unnamed.count) messages became dead: \(listed).",
                figures: [
                    "dead_messages": .int(Int64(unnamed.count)),
                    "message_ids": .array(unnamed.prefix(100).map { .string($0) }),
                ],
                event: event, atMs: now, in: connection
            )
            for messageID in unnamed {
                try connection.execute(
                    "INSERT INTO dead_message_alerts (message_id) VALUES (?) ON CONFLICT DO NOTHING", [.text(messageID)]
                )
            }
        }
    }
}
