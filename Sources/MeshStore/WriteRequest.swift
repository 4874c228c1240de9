/// One queued `write` call, with its result type erased so that calls of any type share one queue.
struct WriteRequest: Sendable {
    let control: RequestControl
    /// Runs the body inside its own savepoint and returns how to resume the caller once the
    /// transaction has ended. It may run more than once, as `WriterLoop` explains.
    let perform: @Sendable (Connection) -> WriteOutcome
    /// Resumes the caller with an error, without running the body.
    let reject: @Sendable (any Error) -> Void
}

/// The result of one run of a write body, held until the batch's COMMIT.
struct WriteOutcome: Sendable {
    let bodyFailed: Bool
    /// The body's error when it is a failure of the files or the disk, for the writer's health record.
    var storageFailure: StoreError? = nil
    /// Resumes the caller with the body's own result when `commitError` is nil or the body failed,
    /// otherwise with `commitError`.
    let deliver: @Sendable (_ commitError: (any Error)?) -> Void
}

/// The name of the savepoint that isolates each body of a batch from the others.
let writeSavepointName = "store_write"

extension WriteRequest {
    static func make<T: Sendable>(
        control: RequestControl,
        body: @escaping @Sendable (Connection) throws -> T,
        completion: @escaping @Sendable (Result<T, any Error>) -> Void
    ) -> WriteRequest {
        let perform: @Sendable (Connection) -> WriteOutcome = { connection in
            let result: Result<T, any Error>
            let storageFailure: StoreError?
            do {
                let value = try connection.withRequestControl(control) {
                    try connection.savepoint(writeSavepointName) { try body(connection) }
                }
                result = .success(value)
                storageFailure = nil
            } catch {
                result = .failure(control.explain(error, operation: "write"))
                storageFailure = (error as? StoreError).flatMap { $0.isStorageFailure ? $0 : nil }
            }

            let bodyFailed: Bool
            if case .failure = result {
                bodyFailed = true
            } else {
                bodyFailed = false
            }
            return WriteOutcome(bodyFailed: bodyFailed, storageFailure: storageFailure) { commitError in
                if let commitError, !bodyFailed {
                    completion(.failure(commitError))
                } else {
                    completion(result)
                }
            }
        }

        return WriteRequest(control: control, perform: perform) { error in
            completion(.failure(error))
        }
    }
}
