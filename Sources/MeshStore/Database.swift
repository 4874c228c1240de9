import Glibc
import Synchronization

/// A SQLite database owned by one process: one writer connection on its own thread that commits
/// concurrent writes together (group commit), plus reader connections for queries, in WAL mode.
///
/// Opening creates the file when needed, switches it to WAL, enables foreign keys, applies the
/// store's outbox and inbox tables (recorded in `store_migrations`) and then the service's own
/// migrations (recorded in `schema_migrations`). No other process may write the file.
public final class Database: Sendable {
    public let path: String
    let options: StoreOptions
    let writer: Writer
    let readers: ReaderPool
    /// The first query or write that found the database damaged, kept until the process stops.
    let damageRecorder = WriteFailureRecorder()
    private let isClosed = Mutex(false)

    /// Opens or creates the database at `path`, checks that it can write it, and applies pending
    /// migrations.
    ///
    /// Throws a StoreError when the options or the migration ids are invalid, a migration fails, or
    /// the file cannot be opened or written. The last covers a folder, database, -wal or -shm file that
    /// this process's user cannot write, a file that is not a database or is damaged, and a full disk,
    /// and those messages name the file and the fix. A failing migration is rolled back, and the ones
    /// before it stay applied.
    public init(path: String, migrations: [Migration], options: StoreOptions = .init()) throws {
        try options.validate()
        try Migration.validateOrder(migrations)
        let files = DatabaseFiles(database: path)
        try files.requireWritable()

        self.path = path
        self.options = options
        let writer: Writer
        do {
            writer = try Writer(path: path, migrations: migrations, options: options)
        } catch {
            throw files.explainOpenFailure(error)
        }
        do {
            self.readers = try ReaderPool(path: path, options: options)
        } catch {
            writer.close()
            throw files.explainOpenFailure(error)
        }
        self.writer = writer
    }

    deinit {
        close()
    }

    /// Stops accepting calls, finishes the queued ones, and closes every connection. Safe to call more
    /// than once.
    ///
    /// Called from inside a `read` or `write` body, it stops the threads without waiting for them.
    public func close() {
        let wasClosed = isClosed.withLock { isClosed in
            defer { isClosed = true }
            return isClosed
        }
        guard !wasClosed else {
            return
        }

        readers.close()
        writer.close()
    }

    /// Runs `SELECT 1` on a reader connection and returns what failed, if anything.
    ///
    /// It blocks the calling thread until a reader is free.
    public func healthCheck() -> Result<Void, StoreError> {
        do {
            let value = try readSync { try $0.scalarInt("SELECT 1") }
            guard value == 1 else {
                return .failure(
                    StoreError.misuse("the health query SELECT 1 returned \(value.map(String.init) ?? "NULL")"))
            }
            return .success(())
        } catch {
            return .failure(StoreError.wrapping(error))
        }
    }

    /// The first read or write that found the database damaged (`SQLITE_CORRUPT`), or nil. A damaged
    /// page fails only the statements that touch it, and later writes elsewhere still commit, so this
    /// stays until the process stops: the file must be replaced from a backup.
    public var damage: WriteFailure? {
        damageRecorder.last
    }

    /// The last write that failed because of the files or the disk (`StoreError.isStorageFailure`), or
    /// nil when there was none or a write has committed since.
    public var lastWriteFailure: WriteFailure? {
        writer.failures.last
    }

    /// The last checkpoint that failed because of the files or the disk while the WAL grew past its
    /// usual size, or nil when there was none or a checkpoint has succeeded since. Writes still commit
    /// into the WAL meanwhile, but the WAL keeps growing and the database file is not updated.
    public var lastCheckpointFailure: WriteFailure? {
        writer.checkpoints.failures.last
    }

    /// Counters of the writer's group commit since the database was opened.
    public var writerStatistics: WriterStatistics {
        writer.statistics.snapshot
    }

    /// Copies the WAL into the database file on the writer thread, between write transactions.
    ///
    /// With `truncate` it waits up to the busy timeout for readers and then empties the WAL file.
    /// Without it, it copies what it can without waiting. Returns the WAL size and the pages copied.
    /// Fewer copied pages than WAL pages mean that readers still used the WAL.
    @discardableResult
    public func checkpoint(truncate: Bool) throws -> (walPages: Int, checkpointedPages: Int) {
        precondition(
            !writer.thread.isCurrent, "checkpoint was called inside a write body, where it would wait for itself")

        guard let pages = try writer.runExclusive({ try $0.walCheckpoint(truncate: truncate) }) else {
            throw closedError()
        }
        return pages
    }

    /// Reports whether the WAL file is gone from the folder while the database is open, as after an `rm`
    /// of it. SQLite then keeps writing commits to the deleted file, which a crash would lose, since
    /// the next start finds no WAL to recover from.
    public var walFileDeleted: Bool {
        // A database file gone too means a moved or removed folder, which a restart would not mend.
        var status = stat()
        guard stat(path, &status) == 0 else {
            return false
        }
        return stat(path + "-wal", &status) != 0 && errno == ENOENT
    }

    func closedError() -> StoreError {
        StoreError.misuse("the database at '\(path)' is closed; open a new Database to use it again")
    }
}
