/// The writer thread's work: group commit of queued writes.
///
/// Consecutive `write` calls taken from the queue share one `BEGIN IMMEDIATE` transaction. Each body
/// runs inside its own savepoint, so a body that throws rolls back only its own changes. Callers are
/// resumed only after COMMIT, so an acknowledged write is durable.
///
/// Some failures end the whole transaction instead of one statement. SQLite rolls back everything
/// after an interrupted data-changing statement (a passed deadline or a cancelled task), and can do
/// so after an I/O error, a full disk or a failed allocation. Then the bodies that ran before the failing one have lost their changes. Their
/// callers have not been resumed yet, so those bodies run again in a new transaction. A body must
/// therefore have no effects outside the connection it is given.
///
/// A failure of the files or the disk (`StoreError.isStorageFailure`) is recorded in `failures` and
/// stays there until a later transaction commits a write without one.
struct WriterLoop {
    let connection: Connection
    let statistics: WriterStatisticsRecorder
    let failures: WriteFailureRecorder
    let checkpoints: CheckpointWatch

    func process(_ jobs: [WriterJob]) {
        var index = 0
        while index < jobs.count {
            if case .exclusive(let job) = jobs[index] {
                job(connection)
                index += 1
                continue
            }

            var requests: [WriteRequest] = []
            while index < jobs.count, case .write(let request) = jobs[index] {
                requests.append(request)
                index += 1
            }
            commit(requests)
        }
    }

    private func commit(_ requests: [WriteRequest]) {
        var pending = requests

        while !pending.isEmpty {
            let changesBefore = connection.totalChanges
            do {
                try connection.runTransactionStatement("BEGIN IMMEDIATE")
            } catch {
                failures.note(error)
                fail(pending, with: error)
                return
            }

            guard let outcomes = runBodies(&pending) else {
                // The transaction ended early, and `pending` now contains the requests still to run.
                continue
            }

            do {
                try connection.runTransactionStatement("COMMIT")
            } catch {
                failures.note(error)
                if connection.isInTransaction {
                    try? connection.runTransactionStatement("ROLLBACK")
                }
                statistics.update { $0.failedWrites += outcomes.count }
                for outcome in outcomes {
                    outcome.deliver(error)
                }
                return
            }

            record(outcomes)
            if let failure = outcomes.compactMap(\.storageFailure).last {
                failures.note(failure)
            } else if outcomes.contains(where: { !$0.bodyFailed }), connection.totalChanges > changesBefore {
                // Only a commit that wrote rows shows the disk takes writes again: an empty transaction,
                // such as a periodic check that found nothing to do, commits even on a full disk.
                failures.clear()
            }
            for outcome in outcomes {
                outcome.deliver(nil)
            }
            // After the callers are resumed, so a checkpoint the watch runs delays none of them.
            checkpoints.afterCommit(connection)
            return
        }
    }

    /// Runs each pending body in the open transaction and returns their outcomes, or returns nil when a
    /// body's failure ended the transaction. Then that request is resumed and removed from `pending`,
    /// and the requests before it stay there to run again.
    private func runBodies(_ pending: inout [WriteRequest]) -> [WriteOutcome]? {
        var outcomes: [WriteOutcome] = []
        outcomes.reserveCapacity(pending.count)

        for (position, request) in pending.enumerated() {
            let outcome = run(request)
            if connection.isInTransaction {
                outcomes.append(outcome)
                continue
            }

            if let failure = outcome.storageFailure {
                failures.note(failure)
            }
            // A body that returned normally cannot end the transaction, because the authorizer rejects
            // BEGIN, COMMIT and ROLLBACK inside bodies. Should it happen, the caller still gets an error.
            outcome.deliver(
                outcome.bodyFailed
                    ? nil
                    : StoreError.misuse(
                        "the write's transaction ended before COMMIT, so its changes were not saved; retry the write")
            )
            pending.remove(at: position)
            statistics.update { statistics in
                statistics.failedWrites += 1
                statistics.rerunWrites += position
            }
            return nil
        }
        return outcomes
    }

    /// Runs one body, or skips it when its deadline passed or its task was cancelled while it waited.
    private func run(_ request: WriteRequest) -> WriteOutcome {
        if let error = request.control.errorBeforeStart("write") {
            return WriteOutcome(bodyFailed: true) { _ in request.reject(error) }
        }
        return request.perform(connection)
    }

    private func fail(_ requests: [WriteRequest], with error: any Error) {
        statistics.update { $0.failedWrites += requests.count }
        for request in requests {
            request.reject(error)
        }
    }

    private func record(_ outcomes: [WriteOutcome]) {
        let failed = outcomes.filter(\.bodyFailed).count
        statistics.update { statistics in
            statistics.transactions += 1
            statistics.committedWrites += outcomes.count - failed
            statistics.failedWrites += failed
            statistics.largestBatch = max(statistics.largestBatch, outcomes.count - failed)
        }
    }
}
