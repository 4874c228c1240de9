import CSQLite

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The errors of opening a database, worded for the person who starts the process: each names the
/// file and the fix. They fit on one line, because a supervisor shows a failed start by the
/// last line of the process's output.
extension DatabaseFiles {
    /// Throws a `SQLITE_READONLY` StoreError naming the first of the folder and the files that this
    /// process's user cannot write.
    func requireWritable() throws {
        guard let (path, code) = firstUnwritable() else {
            return
        }
        throw StoreError(resultCode: SQLITE_READONLY, message: unwritable(path, code, cause: nil))
    }

    /// Returns `error`, thrown while opening or migrating the database, reworded to name the file and
    /// the fix when it is a failure of the files or the disk. Other errors are returned as they are.
    func explainOpenFailure(_ error: any Error) -> StoreError {
        let error = StoreError.wrapping(error)
        // The SQL is left out, because "PRAGMA journal_mode" means nothing to the person who must fix the file.
        let cause = "SQLite error \(error.resultCode), \(error.primaryCodeName): \(error.message)"

        let message: String
        if error.primaryResultCode == SQLITE_NOTADB {
            message = "'\(database)' is not a SQLite database (\(cause)); \(replaceAdvice)"
        } else if error.isCorrupt {
            message = "'\(database)' is damaged (\(cause)); \(replaceAdvice)"
        } else if error.isReadOnly, let (path, code) = firstUnwritable() {
            message = unwritable(path, code, cause: cause)
        } else if error.isReadOnly {
            message =
                "SQLite can only read '\(database)' or its -wal or -shm file (\(cause)); check that the file system "
                + "is not mounted read-only and that the -wal and -shm paths are regular files; \(writeAdvice)"
        } else if error.isDiskFull {
            message = "the disk holding '\(folder)' is full (\(cause)); free space on it, then start the process again"
        } else if error.isIOError {
            message =
                "the system failed to read or write '\(database)' or its -wal or -shm file (\(cause)); check the disk "
                + "and the kernel log (dmesg), then start the process again"
        } else if error.isCannotOpen {
            message =
                "cannot open '\(database)' or its -wal or -shm file (\(cause)); check that the folder '\(folder)' "
                + "exists and that the -wal and -shm paths are regular files or absent; \(writeAdvice)"
        } else {
            return error
        }
        return StoreError(resultCode: error.resultCode, message: message)
    }

    /// Names a file or folder this process cannot write, the reason, and the fix for that reason.
    private func unwritable(_ path: String, _ code: Int32, cause: String?) -> String {
        let reason = String(cString: strerror(code)) + (cause.map { "; " + $0 } ?? "")
        switch code {
        case EROFS:
            return "cannot write '\(path)' (\(reason)): its file system is mounted read-only; remount it "
                + "read-write or move the mesh home elsewhere, then start the process again"
        case EPERM:
            return "cannot write '\(path)' (\(reason)): it may be marked immutable, which lsattr shows as 'i' "
                + "and chattr -i clears; \(writeAdvice)"
        default:
            return "cannot write '\(path)' (\(reason)); \(writeAdvice)"
        }
    }

    /// The fix for a file this process's user cannot write.
    private var writeAdvice: String {
        "the process runs as uid \(getuid()) and needs write access to the folder '\(folder)', to \(fileName) "
            + "and to its -wal and -shm files there; give that user write permission (chown, or chmod u+w), "
            + "then start the process again"
    }

    /// The fix for a file that is not a database, or a damaged one.
    ///
    /// The -wal and -shm files must go too: SQLite could apply a leftover -wal to the restored file and damage it.
    private var replaceAdvice: String {
        "stop the mesh and restore every database from your latest backup with mesh restore, which moves this "
            + "file and its -wal and -shm files aside; one database restored alone falls behind the others"
    }
}
