import CSQLite

extension Connection {
    /// Throws a `SQLITE_READONLY` StoreError unless this connection can write.
    ///
    /// SQLite opens a database file it may not write in read-only mode without failing, and a read-only
    /// -wal or -shm file shows only when a write transaction starts. Without this check such a process
    /// would start, report itself healthy, and fail every write.
    func requireWritable() throws {
        if sqlite3_db_readonly(handle, "main") == 1 {
            throw StoreError(resultCode: SQLITE_READONLY, message: "SQLite opened the database read-only")
        }

        // A write transaction takes the write lock through the -shm file and checks the -wal file.
        try runTransactionStatement("BEGIN IMMEDIATE")
        try runTransactionStatement("ROLLBACK")
    }

    /// Throws a `SQLITE_CORRUPT` StoreError unless `PRAGMA quick_check` finds the database intact.
    ///
    /// A damaged file opens without complaint, and a leftover -wal file applied to a restored database
    /// damages pages that only some queries touch. Without this check such a process would start,
    /// report itself healthy, and commit new writes into a file that must be replaced.
    func requireIntact() throws {
        var statement: OpaquePointer?
        var code = sqlite3_prepare_v2(handle, "PRAGMA quick_check(1)", -1, &statement, nil)
        defer { sqlite3_finalize(statement) }
        if code == SQLITE_OK {
            code = sqlite3_step(statement)
        }
        guard code == SQLITE_ROW, let text = sqlite3_column_text(statement, 0) else {
            throw StoreError(
                resultCode: sqlite3_extended_errcode(handle),
                message: "PRAGMA quick_check could not run: \(String(cString: sqlite3_errmsg(handle)))")
        }
        let verdict = String(cString: text)
        guard verdict == "ok" else {
            throw StoreError(resultCode: SQLITE_CORRUPT, message: "PRAGMA quick_check found: \(verdict)")
        }
    }
}
