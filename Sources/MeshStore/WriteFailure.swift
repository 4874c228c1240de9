import Foundation
import Synchronization

/// A write that failed because of the database's files or the disk (`StoreError.isStorageFailure`),
/// kept until a later write commits.
public struct WriteFailure: Sendable {
    public let error: StoreError
    /// When the write failed, on the system clock.
    public let date: Date
}

/// The writer's most recent storage failure, set by the writer thread and read from any thread.
final class WriteFailureRecorder: Sendable {
    private let state = Mutex<WriteFailure?>(nil)

    /// Records `error` when it is a storage failure, and ignores any other error, such as a
    /// constraint violation, which is no sign of trouble with the files.
    func note(_ error: any Error) {
        guard let storeError = error as? StoreError, storeError.isStorageFailure else {
            return
        }
        state.withLock { $0 = WriteFailure(error: storeError, date: Date()) }
    }

    /// Records `error` when it reports that the database is damaged (`SQLITE_CORRUPT`) and nothing was
    /// recorded yet. Damage does not heal, so the first report stays.
    func noteDamage(_ error: any Error) {
        guard let storeError = error as? StoreError, storeError.isCorrupt else {
            return
        }
        state.withLock { $0 = $0 ?? WriteFailure(error: storeError, date: Date()) }
    }

    /// Forgets the recorded failure, after a write committed.
    func clear() {
        state.withLock { $0 = nil }
    }

    var last: WriteFailure? {
        state.withLock { $0 }
    }
}
