import MeshRuntime
import MeshStore

/// The notification process: turns company and user events into messages, writes emails as `.eml`
/// files to the mesh home's `outbox/` folder, and posts webhooks on this machine with retries.
///
/// Each message is recorded once per (event, recipient, channel); see `MessageDispatcher`.
public enum Notification: MeshService {
    public static let name = "notification"

    public static let migrations: [Migration] = NotificationMigrations.all

    public static func make(_ env: ServiceEnvironment) throws -> ServiceParts {
        let outbox = OutboxFolder(path: env.home.outboxDirectory)
        try outbox.prepare()

        var parts = ServiceParts()
        let dispatcher = MessageDispatcher(outbox: outbox, clock: env.clock, logger: env.logger)
        let alerts = OperatorAlerts(dispatcher: dispatcher, operatorMailbox: try OperatorMailbox.fromEnvironment())
        parts.eventHandlers = NotificationEvents(dispatcher: dispatcher, alerts: alerts, logger: env.logger).handlers
        NotificationMethods.register(into: &parts.methods, env: env)

        let sender = WebhookSender(store: env.store, clock: env.clock, logger: env.logger)
        parts.background = [{ await sender.run() }]
        return parts
    }
}
