import MeshRuntime
import MeshStore

/// The notification process: turns company and user events into messages, writes emails as `.eml`
/// files to the mesh home's `outbox/` folder (and hands them to an SMTP relay on this machine when
/// `MESH_SMTP_URL` names one), and posts webhooks on this machine with retries.
///
/// Each message is recorded once per (event, recipient, channel); see `MessageDispatcher`.
public enum Notification: MeshService {
    public static let name = "notification"

    public static let migrations: [Migration] = NotificationMigrations.all

    public static func make(_ env: ServiceEnvironment) throws -> ServiceParts {
        let outboxHealth = OutboxHealth()
        let outbox = OutboxFolder(path: env.home.outboxDirectory, health: outboxHealth)
        try outbox.prepare()

        let relay = try MailRelayTarget.from(env.variables)
        if relay == nil {
            try abandonRelayedMail(env)
        }

        var parts = ServiceParts()
        parts.healthDetails = { ["outbox": outboxHealth.report] }
        var dispatcher = MessageDispatcher(outbox: outbox, clock: env.clock, logger: env.logger)
        dispatcher.relayed = relay != nil
        let alerts = OperatorAlerts(dispatcher: dispatcher, operatorMailbox: try OperatorMailbox.from(env.variables))
        parts.eventHandlers = NotificationEvents(dispatcher: dispatcher, alerts: alerts, logger: env.logger).handlers
        NotificationMethods.register(into: &parts.methods, env: env, relayed: relay != nil)

        let webhooks = MessageSender.webhooks(store: env.store, clock: env.clock, logger: env.logger)
        let deadLetters = DeadLetterWatch(store: env.store, clock: env.clock, alerts: alerts, logger: env.logger)
        parts.background = [{ await webhooks.run() }, { await deadLetters.run() }]
        if let relay {
            let mail = MessageSender.mail(
                store: env.store, clock: env.clock, logger: env.logger, outbox: outbox, relay: relay)
            parts.background.append({ await mail.run() })
        }
        return parts
    }

    /// Dead-letters the emails still waiting for a relay when the process starts without one, since
    /// nothing would ever send them, and logs how many.
    private static func abandonRelayedMail(_ env: ServiceEnvironment) throws {
        let abandoned = try env.store.writeSync { connection in
            try connection.execute(
                """
                UPDATE messages SET status = 'dead', next_attempt_ms = NULL,
                    last_error = 'no SMTP relay is configured (MESH_SMTP_URL is unset); set it, restart the mesh and '
                        || 'call notifications.retry to send it again'
                WHERE channel = 'email' AND status IN ('pending', 'failed')
                """
            )
            return connection.changes
        }
        if abandoned > 0 {
            env.logger.warning("mail.relay_missing", ["messages": "\(abandoned)"])
        }
    }
}
