import CSQLite

/// One SQLite connection with its prepared-statement cache.
///
/// A connection is used by one thread at a time. The type is not `Sendable`, so the compiler keeps a
/// connection inside the closure that received it. A `Database` gives each of its connections a thread
/// of its own. Statements are prepared once per SQL text and reused. The handle is closed in `deinit`,
/// and also when opening fails partway.
public final class Connection {
    enum Role {
        /// Creates the file, switches it to WAL and runs migrations. Transactions are `BEGIN IMMEDIATE`.
        case writer
        /// Opens an existing file with `PRAGMA query_only`, so a read body cannot write.
        case reader
    }

    /// When the cache reaches this many statements it is emptied. Services use a fixed set of SQL texts,
    /// so the limit is only reached by code that builds SQL with values inside it.
    static let statementCacheLimit = 512

    let handle: OpaquePointer
    let path: String
    let hooks = ConnectionHooks()
    /// The largest event payload this connection's outbox stores (`StoreOptions.maximumEventPayloadBytes`).
    public let maximumEventPayloadBytes: Int
    private var statementCache: [String: Statement] = [:]
    /// `BEGIN`, `COMMIT`, `ROLLBACK`: kept apart from `statementCache` so that a body's own `COMMIT`
    /// is prepared fresh, and rejected by the authorizer, instead of reusing the store's statement.
    private var transactionStatements: [String: Statement] = [:]

    init(path: String, role: Role, options: StoreOptions) throws {
        var openedHandle: OpaquePointer?
        let flags =
            role == .writer
            ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
            : SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &openedHandle, flags, nil)
        guard code == SQLITE_OK, let openedHandle else {
            let message = openedHandle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(openedHandle)
            throw StoreError(
                resultCode: code,
                message:
                    "cannot open the database at '\(path)': \(message); check that its folder exists and is writable"
            )
        }
        self.handle = openedHandle
        self.path = path
        self.maximumEventPayloadBytes = options.maximumEventPayloadBytes

        // From here on a throw runs deinit, which closes the handle.
        try configure(role: role, options: options)
    }

    deinit {
        statementCache.removeAll()
        transactionStatements.removeAll()
        removeHooks()
        sqlite3_close_v2(handle)
    }

    /// The rowid of the most recent successful INSERT on this connection.
    public var lastInsertRowID: Int64 {
        sqlite3_last_insert_rowid(handle)
    }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE on this connection.
    public var changes: Int {
        Int(sqlite3_changes(handle))
    }

    /// Rows inserted, updated or deleted since the connection opened.
    var totalChanges: Int64 {
        sqlite3_total_changes64(handle)
    }

    /// True between `BEGIN` (or an outermost `SAVEPOINT`) and the end of that transaction.
    public var isInTransaction: Bool {
        sqlite3_get_autocommit(handle) == 0
    }

    private func configure(role: Role, options: StoreOptions) throws {
        sqlite3_extended_result_codes(handle, 1)
        try check(sqlite3_busy_timeout(handle, options.busyTimeoutMs), "sqlite3_busy_timeout")

        // Double-quoted strings are identifiers only, so a misspelled column name is an error instead
        // of a string literal.
        try check(csqlite_db_config_int(handle, SQLITE_DBCONFIG_DQS_DML, 0, nil), "SQLITE_DBCONFIG_DQS_DML")
        try check(csqlite_db_config_int(handle, SQLITE_DBCONFIG_DQS_DDL, 0, nil), "SQLITE_DBCONFIG_DQS_DDL")

        if role == .writer {
            let mode = try queryOne("PRAGMA journal_mode = WAL")?.string("journal_mode")
            guard mode == "wal" else {
                throw StoreError.misuse(
                    "the database at '\(path)' could not switch to WAL mode (it reports '\(mode ?? "nothing")'); use a file on a local disk"
                )
            }
            try check(sqlite3_wal_autocheckpoint(handle, options.walAutocheckpointPages), "sqlite3_wal_autocheckpoint")
            try execute("PRAGMA journal_size_limit = \(options.journalSizeLimitBytes)")
        }

        try execute("PRAGMA foreign_keys = ON")
        // Each write of a group commit runs in its own savepoint, whose statement journal SQLite spills
        // to a temporary file past 64 KiB: an open, unlink and close per batch. Memory avoids the files.
        try execute("PRAGMA temp_store = MEMORY")
        try execute("PRAGMA synchronous = \(options.synchronous.pragmaValue)")
        if role == .reader {
            try execute("PRAGMA query_only = ON")
        }

        installHooks()
    }

    private func check(_ code: Int32, _ call: String) throws {
        guard code == SQLITE_OK else {
            throw StoreError(code: code, connection: handle, sql: nil).withMessage(
                "\(call) failed: \(String(cString: sqlite3_errstr(code)))")
        }
    }

    /// Builds the error for a failed call, explaining an authorizer rejection of a transaction statement.
    func error(code: Int32, sql: String?) -> StoreError {
        if code == SQLITE_AUTH && hooks.rejectedTransactionStatement {
            hooks.rejectedTransactionStatement = false
            return StoreError(
                resultCode: code,
                message:
                    "BEGIN, COMMIT and ROLLBACK are not allowed here because the store runs this body inside its own transaction; use Connection.savepoint for a nested unit of work",
                sql: sql
            )
        }
        return StoreError(code: code, connection: handle, sql: sql)
    }

    /// Returns the cached statement for `sql`, preparing and caching it on first use.
    func cachedStatement(_ sql: String) throws -> Statement {
        if let statement = statementCache[sql] {
            return statement
        }

        let statement = try prepareSingle(sql)
        if statementCache.count >= Self.statementCacheLimit {
            statementCache.removeAll()
        }
        statementCache[sql] = statement
        return statement
    }

    /// The number of statements in the cache, for tests and diagnostics.
    var cachedStatementCount: Int {
        statementCache.count
    }

    /// Returns the cached statement for `sql` without preparing it, for tests and diagnostics.
    func cachedStatementIfPresent(_ sql: String) -> Statement? {
        statementCache[sql]
    }

    /// Runs one of the store's own `BEGIN`/`COMMIT`/`ROLLBACK` statements.
    func runTransactionStatement(_ sql: String) throws {
        try withTransactionStatementsAllowed {
            let statement: Statement
            if let cached = transactionStatements[sql] {
                statement = cached
            } else {
                statement = try prepareSingle(sql)
                transactionStatements[sql] = statement
            }
            _ = try statement.run([], rows: .none)
        }
    }

    /// Prepares exactly one statement, rejecting SQL that contains a second one.
    private func prepareSingle(_ sql: String) throws -> Statement {
        hooks.rejectedTransactionStatement = false
        return try sql.withCString { text in
            var statementHandle: OpaquePointer?
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v3(handle, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statementHandle, &tail)
            guard code == SQLITE_OK else {
                throw error(code: code, sql: sql)
            }
            guard let statementHandle else {
                throw StoreError.misuse("the SQL text contains no statement; pass one SQL statement", sql: sql)
            }
            let statement = Statement(handle: statementHandle, sql: sql, connection: self)

            if let tail, try containsAnotherStatement(tail) {
                throw StoreError.misuse(
                    "the SQL text contains more than one statement; run one at a time, or use executeScript for a script without arguments",
                    sql: sql
                )
            }
            return statement
        }
    }

    /// Reports whether `text` contains a statement, as opposed to only whitespace, semicolons and comments.
    private func containsAnotherStatement(_ text: UnsafePointer<CChar>) throws -> Bool {
        var next: UnsafePointer<CChar>? = text
        while let current = next, current.pointee != 0 {
            var statementHandle: OpaquePointer?
            let code = sqlite3_prepare_v2(handle, current, -1, &statementHandle, &next)
            if statementHandle != nil || code != SQLITE_OK {
                sqlite3_finalize(statementHandle)
                return true
            }
        }
        return false
    }
}
