extension Database {
    /// Runs `body` like `write`, blocking the calling thread until the transaction commits.
    ///
    /// For startup code and tests. Called from a task, it blocks a thread of the Swift concurrency pool,
    /// so request handlers use `write` instead. Calling it inside a `write` body stops the process,
    /// because the writer would wait for itself.
    public func writeSync<T>(_ body: (Connection) throws -> T) throws -> T {
        precondition(
            !writer.thread.isCurrent, "writeSync was called inside a write body; use the Connection passed to that body"
        )

        return try withoutActuallyEscaping(body) { body in
            let call = BlockingCall(body)
            let request = WriteRequest.make(
                control: RequestControl(deadline: nil),
                body: { connection in try call.invoke(connection) },
                completion: { result in call.finish(result) }
            )
            guard writer.submit(.write(request)) else {
                call.abandon()
                throw closedError()
            }
            return try call.wait()
        }
    }

    /// Runs `body` like `read`, blocking the calling thread until it returns.
    ///
    /// For startup code and tests, with the same limits as `writeSync`. Calling it inside a `read` body
    /// stops the process, because every reader could end up waiting for itself.
    public func readSync<T>(_ body: (Connection) throws -> T) throws -> T {
        precondition(
            !readers.isCurrentThreadAReader,
            "readSync was called inside a read body; use the Connection passed to that body")

        return try withoutActuallyEscaping(body) { body in
            let call = BlockingCall(body)
            let job = Self.makeReadJob(
                control: RequestControl(deadline: nil),
                body: { connection in try call.invoke(connection) },
                completion: { result in call.finish(result) }
            )
            guard readers.submit(job) else {
                call.abandon()
                throw closedError()
            }
            return try call.wait()
        }
    }
}
