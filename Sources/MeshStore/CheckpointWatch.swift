import Glibc
import Synchronization

/// A check after commits, at most once a second, that checkpoints keep the WAL file from growing.
///
/// SQLite runs its automatic checkpoints after commits and ignores their errors. When the database
/// file cannot be written, for example because it was made immutable, commits still succeed into the
/// WAL, and the WAL grows without bound while nothing reports it. So once the WAL file is larger than
/// it should get, the watch runs a checkpoint itself and records the error it meets, until a
/// checkpoint succeeds or the WAL is back to its usual size.
final class CheckpointWatch: Sendable {
    private let walPath: String
    /// The WAL size past which checkpoints are checked: the size a reset leaves the file at, or four
    /// times the automatic checkpoint's interval when that is larger.
    private let thresholdBytes: Int64
    private let nextCheck = Mutex(ContinuousClock.now)
    let failures = WriteFailureRecorder()

    init(databasePath: String, options: StoreOptions) {
        walPath = databasePath + "-wal"
        thresholdBytes = max(options.journalSizeLimitBytes, Int64(options.walAutocheckpointPages) * 4 * 4096)
    }

    /// Runs on the writer thread after a commit, outside any transaction.
    func afterCommit(_ connection: Connection) {
        let now = ContinuousClock.now
        let due = nextCheck.withLock { next in
            guard now >= next else {
                return false
            }
            next = now + .seconds(1)
            return true
        }
        guard due else {
            return
        }

        var status = stat()
        guard stat(walPath, &status) == 0, Int64(status.st_size) > thresholdBytes else {
            failures.clear()
            return
        }
        do {
            // Readers that keep the checkpoint from finishing are no failure; only an error is recorded.
            _ = try connection.walCheckpoint(truncate: false)
            failures.clear()
        } catch {
            failures.note(error)
        }
    }
}
