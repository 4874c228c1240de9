/// A job for the writer thread.
enum WriterJob: Sendable {
    /// A `write` call, committed together with the other writes queued beside it.
    case write(WriteRequest)
    /// Work that runs outside any transaction, such as a checkpoint.
    case exclusive(@Sendable (Connection) -> Void)
}

/// The single writer connection of a database, on its own thread.
final class Writer: Sendable {
    let queue: JobQueue<WriterJob>
    let thread: ConnectionThread
    let statistics: WriterStatisticsRecorder
    let failures: WriteFailureRecorder
    let checkpoints: CheckpointWatch

    /// Opens the writer connection, switches the file to WAL, checks that it can write, applies the
    /// store's and the service's migrations, and starts serving the queue.
    init(path: String, migrations: [Migration], options: StoreOptions) throws {
        let queue = JobQueue<WriterJob>()
        self.queue = queue
        let statistics = WriterStatisticsRecorder()
        self.statistics = statistics
        let failures = WriteFailureRecorder()
        self.failures = failures
        let checkpoints = CheckpointWatch(databasePath: path, options: options)
        self.checkpoints = checkpoints

        thread = try ConnectionThread(
            name: "MeshStore.writer",
            open: {
                let connection = try Connection(path: path, role: .writer, options: options)
                try connection.requireWritable()
                try connection.requireIntact()
                try connection.migrate(StoreMigrations.all, recordTable: StoreMigrations.recordTable)
                try connection.migrate(migrations, recordTable: StoreMigrations.serviceRecordTable)
                return connection
            },
            serve: { connection in
                let loop = WriterLoop(
                    connection: connection, statistics: statistics, failures: failures, checkpoints: checkpoints)
                while let jobs = queue.take(maximum: options.maxWriteBatch) {
                    loop.process(jobs)
                }
            }
        )
    }

    /// Queues a job and returns true, or returns false after `close()`.
    func submit(_ job: WriterJob) -> Bool {
        queue.push(job)
    }

    /// Runs `job` on the writer connection outside any transaction and waits for its result.
    func runExclusive<T: Sendable>(_ job: @escaping @Sendable (Connection) throws -> T) throws -> T? {
        let result = ResultSlot<Result<T, any Error>>()

        let accepted = submit(
            .exclusive { connection in
                result.fill(Result { try job(connection) })
            })
        guard accepted else {
            return nil
        }

        return try result.wait().get()
    }

    /// Stops accepting jobs, finishes the queued ones, and waits for the thread to close the connection.
    func close() {
        queue.close()
        thread.join()
    }
}
