/// A job for a reader thread.
typealias ReadJob = @Sendable (Connection) -> Void

/// Reader connections, each on its own thread, serving one shared queue.
///
/// A shared queue lets an idle reader take the next read while another runs a long query. In WAL mode
/// readers and the writer do not block each other.
final class ReaderPool: Sendable {
    private let queue: JobQueue<ReadJob>
    private let threads: [ConnectionThread]

    init(path: String, options: StoreOptions) throws {
        let queue = JobQueue<ReadJob>()
        var threads: [ConnectionThread] = []

        do {
            for number in 0..<options.readerCount {
                let thread = try ConnectionThread(
                    name: "MeshStore.reader.\(number)",
                    open: { try Connection(path: path, role: .reader, options: options) },
                    serve: { connection in
                        while let jobs = queue.take(maximum: 1) {
                            for job in jobs {
                                job(connection)
                            }
                        }
                    }
                )
                threads.append(thread)
            }
        } catch {
            queue.close()
            for thread in threads {
                thread.join()
            }
            throw error
        }

        self.queue = queue
        self.threads = threads
    }

    /// Queues a read and returns true, or returns false after `close()`.
    func submit(_ job: @escaping ReadJob) -> Bool {
        queue.push(job)
    }

    /// True when called on one of the reader threads.
    var isCurrentThreadAReader: Bool {
        threads.contains { $0.isCurrent }
    }

    /// Stops accepting reads, finishes the queued ones, and waits for every reader connection to close.
    func close() {
        queue.close()
        for thread in threads {
            thread.join()
        }
    }
}
