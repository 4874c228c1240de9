import Dispatch

/// Carries a non-escaping, non-Sendable body to a store thread and its result back, for a caller that
/// blocks until the thread is done with both.
final class BlockingCall<T>: @unchecked Sendable {
    // @unchecked Sendable is safe here: the caller sets `body` before it submits the job and reads
    // `outcome` only after `done` is signalled. The store thread touches the fields only in between,
    // and the semaphore orders the two sides.
    private var body: ((Connection) throws -> T)?
    private var value: T?
    private var outcome: Result<T, any Error>?
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping (Connection) throws -> T) {
        self.body = body
    }

    /// Runs the body on the store thread and keeps its value for `finish`.
    func invoke(_ connection: Connection) throws {
        guard let body else {
            throw StoreError.misuse("a blocking store call ran after it finished; this is a bug in MeshStore")
        }
        value = try body(connection)
    }

    /// Records the final result, drops the body and wakes the caller.
    ///
    /// Dropping the body here lets `withoutActuallyEscaping` see that the closure did not escape.
    func finish(_ result: Result<Void, any Error>) {
        outcome = result.flatMap {
            guard let value else {
                return .failure(
                    StoreError.misuse("a blocking store call finished without a value; this is a bug in MeshStore"))
            }
            return .success(value)
        }
        value = nil
        body = nil
        done.signal()
    }

    /// Drops the body when the job was never submitted.
    func abandon() {
        body = nil
    }

    /// Waits for `finish` and returns the body's result.
    func wait() throws -> T {
        done.wait()
        guard let outcome else {
            throw StoreError.misuse("a blocking store call woke without a result; this is a bug in MeshStore")
        }
        return try outcome.get()
    }
}
