import MeshProtocol
import MeshRuntime
import MeshStore

/// Alerts the operator when messages to companies become dead, since nothing sends them again until
/// an operator retries them.
///
/// The rule is over current state, like the suspended-companies rule: it fires when the first such
/// message becomes dead, and again only after every one was retried or its company deleted. Operator
/// alerts themselves are left out, so an alert that cannot be mailed does not alert about itself.
struct DeadLetterWatch: Sendable {
    let store: Database
    let clock: MeshClock
    let alerts: OperatorAlerts
    let logger: Logger

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

    /// Applies the rule to the messages as they are now. Writes only when the rule's state changes.
    func check() async throws {
        let now = clock.nowMs()
        try await store.write { [alerts] connection in
            let dead = try connection.queryOne(
                """
                SELECT COUNT(*) AS count, MAX(seq) AS newest FROM messages
                WHERE status = 'dead' AND kind != 'operator_alert'
                    AND company_id NOT IN (SELECT company_id FROM companies WHERE status = 'deleted')
                """
            )
            let count = dead?.int("count") ?? 0
            let firing = try connection.scalarInt(
                "SELECT firing FROM alert_rules WHERE rule = ?", [.text(AlertRule.deadMessages.rawValue)])
            guard (count > 0) != ((firing ?? 0) != 0) else {
                return
            }

            // The alert is keyed by the newest dead message, so a later spell of dead messages gets an
            // alert of its own.
            let newest = dead?.int("newest") ?? 0
            let event = MeshEvent(
                eventID: "dead-messages-\(newest)", topic: "notification.dead_messages",
                payload: ["dead_messages": .int(count)], createdAtMs: now, source: Notification.name)
            try alerts.evaluate(
                .deadMessages,
                conditionMet: count > 0,
                summary: count == 1 ? "1 message is dead." : "\(count) messages are dead.",
                figures: ["dead_messages": .int(count)],
                event: event, atMs: now, in: connection
            )
        }
    }
}
