#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The files SQLite keeps for one database in WAL mode: the database, the write-ahead log (`-wal`) and
/// the shared-memory index (`-shm`) beside it, and the folder that contains them.
///
/// SQLite creates the -wal and -shm files with the database file's mode, and removes them only when
/// the last connection closes cleanly. So a database that was once read-only can leave read-only
/// -wal and -shm files behind after its own mode is fixed.
struct DatabaseFiles {
    let database: String

    var writeAheadLog: String { database + "-wal" }
    var sharedMemoryIndex: String { database + "-shm" }

    var folder: String {
        guard let slash = database.lastIndex(of: "/") else {
            return "."
        }
        return slash == database.startIndex ? "/" : String(database[..<slash])
    }

    /// The database's file name without its folder, such as `billing.sqlite`.
    var fileName: String {
        database.lastIndex(of: "/").map { String(database[database.index(after: $0)...]) } ?? database
    }

    /// Returns the first of the folder, the database, its -wal and -shm files that this process's user
    /// cannot write, with the `errno` the system gave. A file or folder that does not exist is skipped:
    /// SQLite creates the files, and opening reports a missing folder.
    func firstUnwritable() -> (path: String, errno: Int32)? {
        let checks = [
            (folder, W_OK | X_OK), (database, R_OK | W_OK), (writeAheadLog, R_OK | W_OK),
            (sharedMemoryIndex, R_OK | W_OK),
        ]
        for (path, mode) in checks where access(path, mode) != 0 {
            let code = errno
            if code != ENOENT {
                return (path, code)
            }
        }
        return nil
    }
}
