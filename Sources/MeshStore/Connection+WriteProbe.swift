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
}
