import Glibc
import MeshProtocol
import MeshRuntime
import MeshStore
import Synchronization

/// Delivers the due messages of one channel and schedules retries: webhook posts, and emails when an
/// SMTP relay is configured.
///
/// A message gets at most `maximumAttempts` attempts. After failed attempt n, the next is due 2^(n-1)
/// seconds later on the mesh clock (1, 2, 4, 8 s). After the last, the message is dead until an operator
/// calls `notifications.retry`.
///
/// Messages go out one at a time. Each attempt is counted and marked started in the database right before
/// its message goes out, and its outcome is stored right after, so a stop leaves at most the one attempt in
/// flight uncertain, and every other message due. An attempt that never reports back (the process stopped
/// mid-send) makes its message dead instead of sending it again, so no message reaches a receiver twice.
/// `notifications.retry` sends it again on request.
public struct MessageSender: Sendable {
    public static let maximumAttempts = 5
    /// How long a message waits for a receiver that cannot be reached before it is dead: a day.
    public static let unreachableGiveUpMs: Int64 = 24 * 3_600_000
    /// When a sender last logged that its receiver could not be reached, so an outage is logged once a
    /// minute, not once per message.
    private static let unreachableLogged = Mutex<ContinuousClock.Instant?>(nil)

    /// Returns the wait after failed attempt `attempt` (counted from 1), in milliseconds.
    public static func backoffMs(afterAttempt attempt: Int) -> Int64 {
        1000 << Int64(max(0, min(attempt - 1, 20)))
    }

    let channel: MessageChannel
    let store: Database
    let clock: MeshClock
    let logger: Logger
    /// Makes one attempt, off the Swift concurrency pool when it blocks.
    let deliver: @Sendable (DeliveryAttempt) async -> DeliveryOutcome

    /// Builds the sender that POSTs webhook messages to their loopback URL.
    public static func webhooks(
        store: Database,
        clock: MeshClock,
        logger: Logger,
        requestTimeout: Duration = .seconds(5)
    ) -> MessageSender {
        let client = LoopbackHTTPClient(timeout: requestTimeout)
        return MessageSender(channel: .webhook, store: store, clock: clock, logger: logger) { attempt in
            guard let text = attempt.text else {
                return .failed("the message has no webhook text; it cannot be posted")
            }

            let target: WebhookTarget
            do throws(RPCError) {
                target = try WebhookTarget.parse(attempt.recipient)
            } catch {
                return .failed(error.message)
            }

            let body = JSONWriter.serialize(WebhookPayload.body(of: attempt, text: text))
            return await client.post(target, body: body, messageID: attempt.messageID)
        }
    }

    /// Builds the sender that hands the `.eml` file of each email message to the SMTP relay at `relay`.
    static func mail(
        store: Database,
        clock: MeshClock,
        logger: Logger,
        outbox: OutboxFolder,
        relay: MailRelayTarget,
        timeout: Duration = .seconds(10)
    ) -> MessageSender {
        let client = SMTPClient(relay: relay, timeout: timeout)
        return MessageSender(channel: .email, store: store, clock: clock, logger: logger) { attempt in
            let message: [UInt8]
            do {
                message = try outbox.read(messageID: attempt.messageID)
            } catch {
                // A file that is gone stays gone, so trying again on the schedule cannot help.
                let missing = access(outbox.filePath(attempt.messageID), F_OK) != 0 && errno == ENOENT
                return missing ? .rejected("\(error)") : .failed("\(error)")
            }
            return await client.send(message, from: Mailbox.sender.address, to: attempt.recipient)
        }
    }

    /// The log event names of one channel's sender. The logger takes only static names.
    private struct LogNames {
        let started: StaticString
        let passFailed: StaticString
        let stopped: StaticString
        let attemptCutOff: StaticString
        let delivered: StaticString
        let retryScheduled: StaticString
        let deadLettered: StaticString
        let outcomeDiscarded: StaticString
        let unreachable: StaticString

        static let webhook = LogNames(
            started: "webhook_sender.started", passFailed: "webhook_sender.pass_failed",
            stopped: "webhook_sender.stopped", attemptCutOff: "webhook.attempt_cut_off",
            delivered: "webhook.delivered", retryScheduled: "webhook.retry_scheduled",
            deadLettered: "webhook.dead_lettered", outcomeDiscarded: "webhook.outcome_discarded",
            unreachable: "webhook.receiver_unreachable"
        )
        static let email = LogNames(
            started: "mail_relay.started", passFailed: "mail_relay.pass_failed", stopped: "mail_relay.stopped",
            attemptCutOff: "mail.attempt_cut_off", delivered: "mail.relayed",
            retryScheduled: "mail.retry_scheduled",
            deadLettered: "mail.dead_lettered", outcomeDiscarded: "mail.outcome_discarded",
            unreachable: "mail.relay_unreachable"
        )
    }

    private var names: LogNames {
        channel == .webhook ? .webhook : .email
    }

    /// Polls for due messages until the task is cancelled.
    public func run(pollInterval: Duration = .seconds(1)) async {
        logger.info(names.started)
        while !Task.isCancelled {
            do {
                _ = try await sendDue()
            } catch is CancellationError {
                break
            } catch {
                logger.error(names.passFailed, ["error": "\(error)"])
            }

            do {
                try await Task.sleep(for: pollInterval)
            } catch {
                break
            }
        }
        logger.info(names.stopped)
    }

    /// Makes one attempt for each message due, one message at a time, at most `limit` attempts.
    ///
    /// Cancellation is checked between attempts: an attempt that has started runs to its stored outcome,
    /// and none starts after it.
    public func sendDue(limit: Int = 20) async throws -> SendReport {
        var report = SendReport()

        let cutOff = try await store.write { [channel] connection in
            try Self.abandonCutOffAttempts(channel, in: connection)
        }
        report.deadLettered += cutOff.count
        if !cutOff.isEmpty {
            // The ids are what an operator passes to notifications.retry.
            logger.warning(
                names.attemptCutOff,
                ["messages": "\(cutOff.count)", "message_ids": cutOff.sorted().joined(separator: ",")])
        }

        while report.attempted < limit, !Task.isCancelled {
            // Store writes fail at once in a cancelled task, so each attempt runs in a task of its own: once
            // it has started, its outcome is stored even when the sender is stopped meanwhile.
            let finished = try await Task { try await attemptNext() }.value
            guard let finished else {
                break
            }
            report.attempted += 1
            tally(finished, into: &report)
            if case .unreachable = finished.outcome {
                // The other due messages would meet the same closed door; the next pass tries again.
                break
            }
        }
        return report
    }

    /// One attempt and what became of it.
    private struct FinishedAttempt: Sendable {
        let attempt: DeliveryAttempt
        let outcome: DeliveryOutcome
        /// The message's new status; nil when the message changed meanwhile and the outcome was not stored.
        let status: MessageStatus?
    }

    /// Starts the attempt of the next due message, makes it, and stores its outcome. Returns nil when no
    /// message is due.
    private func attemptNext() async throws -> FinishedAttempt? {
        let started = try await store.write { [channel, clock] connection in
            try Self.startNextAttempt(channel, now: clock.nowMs(), in: connection)
        }
        guard let attempt = started else {
            return nil
        }

        let outcome = await deliver(attempt)

        let status = try await store.write { [clock] connection in
            try Self.record(outcome, for: attempt, now: clock.nowMs(), in: connection)
        }
        return FinishedAttempt(attempt: attempt, outcome: outcome, status: status)
    }

    private func tally(_ finished: FinishedAttempt, into report: inout SendReport) {
        var metadata = ["message_id": finished.attempt.messageID, "attempt": "\(finished.attempt.number)"]
        switch finished.outcome {
        case .failed(let problem), .uncertain(let problem), .rejected(let problem):
            metadata["error"] = problem
        case .unreachable(let problem):
            metadata["error"] = problem
            let due = Self.unreachableLogged.withLock { last in
                guard last.map({ ContinuousClock.now - $0 >= .seconds(60) }) ?? true else {
                    return false
                }
                last = .now
                return true
            }
            if due {
                // An operator alert would travel the same closed road, so the log is where this shows.
                logger.error(names.unreachable, ["error": problem])
            }
        case .delivered:
            break
        }

        switch finished.status {
        case .sent?:
            report.delivered += 1
            logger.info(names.delivered, metadata)
        case .failed?:
            report.failed += 1
            logger.info(names.retryScheduled, metadata)
        case .dead?:
            report.deadLettered += 1
            logger.warning(names.deadLettered, metadata)
        case .pending?, nil:
            logger.debug(names.outcomeDiscarded, metadata)
        }
    }
}
