extension Database {
    /// Runs `body` inside the writer's transaction and returns its result after the transaction commits.
    ///
    /// Concurrent calls are batched: the writer takes every queued call (up to `maxWriteBatch`), runs
    /// `BEGIN IMMEDIATE`, runs each body inside its own savepoint, then COMMIT, and only then resumes
    /// the callers. A body that throws rolls back only its own changes and its caller gets its error.
    /// When COMMIT fails, every caller whose body succeeded gets that error.
    ///
    /// The body runs on the writer thread and must not wait for anything: it is synchronous, and every
    /// other write waits for it. It may run more than once when another body's failure ends the batch's
    /// transaction, so it must have no effects outside the connection.
    ///
    /// - Parameter deadline: when it passes before the body starts, the body does not run. When it
    ///   passes while the body runs, the running statement stops. Both throw a StoreError with
    ///   `isInterrupted`. A cancelled task gets `CancellationError` the same way.
    public func write<T: Sendable>(
        deadline: ContinuousClock.Instant? = nil,
        _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        let control = RequestControl(deadline: deadline)

        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let request = WriteRequest.make(control: control, body: body) { [damageRecorder] result in
                    if case .failure(let error) = result {
                        damageRecorder.noteDamage(error)
                    }
                    continuation.resume(with: result)
                }
                if !writer.submit(.write(request)) {
                    continuation.resume(throwing: closedError())
                }
            }
        } onCancel: {
            control.cancel()
        }
    }

    /// Runs `body` on a reader connection inside a read transaction, so it sees one snapshot.
    ///
    /// Reader connections are query-only: a body that writes gets a StoreError. The deadline and
    /// cancellation work as for `write`.
    public func read<T: Sendable>(
        deadline: ContinuousClock.Instant? = nil,
        _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        let control = RequestControl(deadline: deadline)

        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let job = Self.makeReadJob(control: control, body: body) { [damageRecorder] result in
                    if case .failure(let error) = result {
                        damageRecorder.noteDamage(error)
                    }
                    continuation.resume(with: result)
                }
                if !readers.submit(job) {
                    continuation.resume(throwing: closedError())
                }
            }
        } onCancel: {
            control.cancel()
        }
    }

    static func makeReadJob<T>(
        control: RequestControl,
        body: @escaping @Sendable (Connection) throws -> T,
        completion: @escaping @Sendable (Result<T, any Error>) -> Void
    ) -> ReadJob {
        return { connection in
            if let error = control.errorBeforeStart("read") {
                completion(.failure(error))
                return
            }

            let result = Result {
                try connection.withRequestControl(control) {
                    try connection.readTransaction { try body(connection) }
                }
            }
            completion(result.mapError { control.explain($0, operation: "read") })
        }
    }
}
