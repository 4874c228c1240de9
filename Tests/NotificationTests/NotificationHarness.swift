import MeshRuntime
import MeshTesting

@testable import Notification

/// The service under test. Declared in a file that does not import Foundation, whose own `Notification`
/// type would make the name ambiguous.
typealias NotificationService = Notification
typealias NotificationHarness = ServiceHarness<NotificationService>

extension ServiceHarness where Service == NotificationService {
    /// Returns a dead-message watch on this harness's store, which mails its alerts to the outbox.
    func deadLetterWatch() throws -> DeadLetterWatch {
        let logger = Logger(label: "notification", level: .debug, sink: logs)
        let dispatcher = MessageDispatcher(
            outbox: OutboxFolder(path: home.outboxDirectory), clock: clock, logger: logger)
        return DeadLetterWatch(
            store: store, clock: clock,
            alerts: OperatorAlerts(dispatcher: dispatcher, operatorMailbox: try OperatorMailbox.from([:])),
            logger: logger)
    }
}
