import Foundation
import MeshProtocol
import MeshRuntime
import Synchronization

/// The last failed write into the outbox folder, for `rpc.health`, until a write succeeds.
///
/// Notification writes an email's file in the transaction that records the message, so while the
/// folder cannot be written, every batch of events fails whole and no company gets any notice. The
/// database is fine meanwhile, so without this report the process would look healthy.
final class OutboxHealth: Sendable {
    private let failure = Mutex<(message: String, date: Date)?>(nil)

    func noteFailure(_ error: any Error) {
        failure.withLock { $0 = ("\(error)", Date()) }
    }

    func noteSuccess() {
        failure.withLock { $0 = nil }
    }

    /// The `outbox` member of `rpc.health`: `ok`, or `error` with the failure and what it stops.
    var report: JSONValue {
        guard let (message, date) = failure.withLock({ $0 }) else {
            return ["state": "ok"]
        }
        let time = UTCTime.iso8601(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
        return [
            "state": "error",
            "detail": .string(
                "writing an email into the outbox failed at \(time): \(message); until a write succeeds, events "
                    + "wait in their publishers' outboxes and no notice goes out, webhooks included"),
            "failed_at": .string(time),
        ]
    }
}
