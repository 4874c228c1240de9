import CSQLite
import Glibc

/// Copies a database that another process may be writing, with SQLite's online backup API.
///
/// The copy is one consistent snapshot: it contains every transaction committed before the copy began
/// and none after. It reads through SQLite, so the writes still in the `-wal` file are part of it, and
/// the copy is a single file with nothing to apply. In WAL mode a reader does not block the writer,
/// so the process that owns the database keeps serving while it is copied.
public enum DatabaseBackup {
    /// Copies the database at `source` to a new file at `destination` (mode 0600), then checks the
    /// copy with `PRAGMA quick_check`. Returns the copy's size in bytes.
    ///
    /// - Throws: StoreError naming the file when either cannot be opened, the copy fails, or the check
    ///   finds the copy damaged.
    ///
    /// - Parameter sourceIsLive: false for a copy no process writes, such as a backup being restored.
    ///   It is then opened as immutable and read-only, so a backup on read-only media can be read and
    ///   nothing is written beside it.
    public static func copy(from source: String, to destination: String, sourceIsLive: Bool = true) throws(StoreError)
        -> Int64
    {
        // Without SQLITE_OPEN_CREATE a missing source is an error instead of a new, empty database.
        let input =
            sourceIsLive
            ? try open(source, flags: SQLITE_OPEN_READWRITE, purpose: "read")
            : try open(immutableURI(source), flags: SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, purpose: "read")
        defer { sqlite3_close_v2(input) }
        sqlite3_busy_timeout(input, 5_000)

        let previousMask = umask(0o077)
        let opened = Result { () throws(StoreError) in
            try open(destination, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, purpose: "create")
        }
        umask(previousMask)
        let output = try opened.get()
        defer { sqlite3_close_v2(output) }

        guard let backup = sqlite3_backup_init(output, "main", input, "main") else {
            throw failure(output, "cannot start copying '\(source)' to '\(destination)'")
        }
        var code = SQLITE_OK
        repeat {
            // One step of every page reads the whole database in one read transaction.
            code = sqlite3_backup_step(backup, -1)
            if code == SQLITE_BUSY || code == SQLITE_LOCKED {
                usleep(50_000)
            }
        } while code == SQLITE_OK || code == SQLITE_BUSY || code == SQLITE_LOCKED
        let finished = sqlite3_backup_finish(backup)
        guard code == SQLITE_DONE, finished == SQLITE_OK else {
            throw failure(output, "copying '\(source)' to '\(destination)' failed")
        }

        // A rollback journal instead of WAL keeps the copy a single file that opens read-only anywhere,
        // and the process that uses it as its database switches it back to WAL.
        try execute("PRAGMA journal_mode = DELETE", on: output, path: destination)
        try check(output, path: destination)
        var status = stat()
        return stat(destination, &status) == 0 ? Int64(status.st_size) : 0
    }

    private static func open(_ path: String, flags: Int32, purpose: String) throws(StoreError) -> OpaquePointer {
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(path, &handle, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw StoreError(
                resultCode: code, message: "cannot \(purpose) the database at '\(path)': \(message)")
        }
        return handle
    }

    /// Returns the URI that opens `path` as immutable: no locks, no -wal or -shm files.
    private static func immutableURI(_ path: String) -> String {
        var encoded = ""
        for character in path.unicodeScalars {
            switch character {
            case "%": encoded += "%25"
            case "?": encoded += "%3F"
            case "#": encoded += "%23"
            default: encoded.unicodeScalars.append(character)
            }
        }
        return "file:" + encoded + "?immutable=1"
    }

    private static func execute(_ sql: String, on handle: OpaquePointer, path: String) throws(StoreError) {
        guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else {
            throw failure(handle, "\(sql) failed on the copy at '\(path)'")
        }
    }

    /// Runs `PRAGMA quick_check` on the copy and throws unless it reports `ok`.
    private static func check(_ handle: OpaquePointer, path: String) throws(StoreError) {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, "PRAGMA quick_check", -1, &statement, nil) == SQLITE_OK else {
            throw failure(handle, "cannot check the copy at '\(path)'")
        }
        defer { sqlite3_finalize(statement) }

        guard sqlite3_step(statement) == SQLITE_ROW, let text = sqlite3_column_text(statement, 0) else {
            throw failure(handle, "cannot check the copy at '\(path)'")
        }
        let verdict = String(cString: text)
        guard verdict == "ok" else {
            throw StoreError(
                resultCode: SQLITE_CORRUPT,
                message: "the copy at '\(path)' failed its check (\(verdict)); the source may be damaged, so "
                    + "check it with sqlite3's PRAGMA integrity_check")
        }
    }

    private static func failure(_ handle: OpaquePointer, _ attempt: String) -> StoreError {
        StoreError(
            resultCode: sqlite3_extended_errcode(handle),
            message: "\(attempt): \(String(cString: sqlite3_errmsg(handle)))")
    }
}
