import CSQLite
import Synchronization

/// The deadline and cancellation state of one `read` or `write` call, checked by the connection's
/// progress handler while the call's statements run.
final class RequestControl: Sendable {
    let deadline: ContinuousClock.Instant?
    private let cancelled = Atomic<Bool>(false)

    init(deadline: ContinuousClock.Instant?) {
        self.deadline = deadline
    }

    /// Marks the call cancelled. Safe from any thread: the running statement stops at its next check.
    func cancel() {
        cancelled.store(true, ordering: .relaxed)
    }

    var isCancelled: Bool {
        cancelled.load(ordering: .relaxed)
    }

    var deadlineHasPassed: Bool {
        guard let deadline else {
            return false
        }
        return ContinuousClock.now >= deadline
    }

    /// True once the running statement should stop with `SQLITE_INTERRUPT`.
    var shouldInterrupt: Bool {
        isCancelled || deadlineHasPassed
    }

    /// Returns the error for a call that must not start because it was cancelled or its deadline passed.
    func errorBeforeStart(_ operation: String) -> (any Error)? {
        if isCancelled {
            return CancellationError()
        }
        if deadlineHasPassed {
            return StoreError(
                resultCode: SQLITE_INTERRUPT,
                message:
                    "the deadline passed before the \(operation) started, so it was not run; retry with a later deadline"
            )
        }
        return nil
    }

    /// Turns an interrupt caused by this call's cancellation or deadline into the error its caller expects.
    func explain(_ error: any Error, operation: String) -> any Error {
        guard let storeError = error as? StoreError, storeError.isInterrupted else {
            return error
        }
        if isCancelled {
            return CancellationError()
        }
        if deadlineHasPassed {
            return storeError.withMessage(
                "the \(operation) was interrupted because its deadline passed; allow more time or make the statement cheaper"
            )
        }
        return error
    }
}
