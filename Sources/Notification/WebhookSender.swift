import MeshProtocol
import MeshRuntime
import MeshStore

/// Counts from one pass of the webhook sender.
public struct WebhookSendReport: Sendable, Hashable {
    public var attempted = 0
    public var delivered = 0
    /// Attempts that failed and have another one scheduled.
    public var failed = 0
    /// Messages that ran out of attempts and are now dead.
    public var deadLettered = 0

    public init() {}
}

/// Posts due webhook messages and schedules retries.
///
/// A message gets at most `maximumAttempts` attempts. After failed attempt n, the next is due 2^(n-1)
/// seconds later on the mesh clock (1, 2, 4, 8 s). After the last, the message is dead until an operator
/// calls `notifications.retry`.
///
/// Each attempt is counted in the database before the POST, so a process that stops mid-send never gets
/// more attempts than the limit. A POST whose response was lost that way is sent again, and receivers
/// can drop the repeat by its `X-TenantMesh-Message-Id` header.
public struct WebhookSender: Sendable {
    public static let maximumAttempts = 5

    /// Returns the wait after failed attempt `attempt` (counted from 1), in milliseconds.
    public static func backoffMs(afterAttempt attempt: Int) -> Int64 {
        1000 << Int64(max(0, min(attempt - 1, 20)))
    }

    let store: Database
    let clock: MeshClock
    let logger: Logger
    let client: LoopbackHTTPClient

    public init(store: Database, clock: MeshClock, logger: Logger, requestTimeout: Duration = .seconds(5)) {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.client = LoopbackHTTPClient(timeout: requestTimeout)
    }

    /// Polls for due messages until the task is cancelled.
    public func run(pollInterval: Duration = .seconds(1)) async {
        logger.info("webhook_sender.started")
        while !Task.isCancelled {
            do {
                _ = try await sendDue()
            } catch is CancellationError {
                break
            } catch {
                logger.error("webhook_sender.pass_failed", ["error": "\(error)"])
            }

            do {
                try await Task.sleep(for: pollInterval)
            } catch {
                break
            }
        }
        logger.info("webhook_sender.stopped")
    }

    /// Makes one attempt for each message due at the mesh clock's current time (at most `limit`).
    public func sendDue(limit: Int = 20) async throws -> WebhookSendReport {
        let now = clock.nowMs()
        var report = WebhookSendReport()

        let claimed = try await store.write { connection in
            try Self.claimDue(now: now, limit: limit, in: connection)
        }
        report.deadLettered += claimed.lostAttempts
        if claimed.lostAttempts > 0 {
            logger.warning("webhook.last_attempt_lost", ["messages": "\(claimed.lostAttempts)"])
        }

        for attempt in claimed.attempts {
            report.attempted += 1
            let outcome = await post(attempt)
            let finished = try await store.write { [clock] connection in
                try Self.record(outcome, for: attempt, now: clock.nowMs(), in: connection)
            }

            var metadata = ["message_id": attempt.messageID, "attempt": "\(attempt.number)"]
            if case .failed(let problem) = outcome {
                metadata["error"] = problem
            }

            switch finished {
            case .sent?:
                report.delivered += 1
                logger.info("webhook.delivered", metadata)
            case .failed?:
                report.failed += 1
                logger.info("webhook.retry_scheduled", metadata)
            case .dead?:
                report.deadLettered += 1
                logger.warning("webhook.dead_lettered", metadata)
            case .pending?, nil:
                logger.debug("webhook.outcome_discarded", metadata)
            }
        }
        return report
    }

    private func post(_ attempt: WebhookAttempt) async -> WebhookOutcome {
        guard let text = attempt.text else {
            return .failed("the message has no webhook text; it cannot be posted")
        }

        let target: WebhookTarget
        do throws(RPCError) {
            target = try WebhookTarget.parse(attempt.url)
        } catch {
            return .failed(error.message)
        }

        let body = JSONWriter.serialize(["text": .string(text)])
        return await client.post(target, body: body, messageID: attempt.messageID)
    }
}
