import CSQLite

/// A prepared statement owned by one Connection, which caches it by SQL text.
///
/// The statement is always reset after a run, so a cached statement never holds a read lock or a
/// half-stepped cursor between calls.
final class Statement {
    let handle: OpaquePointer
    let sql: String
    private unowned let connection: Connection

    init(handle: OpaquePointer, sql: String, connection: Connection) {
        self.handle = handle
        self.sql = sql
        self.connection = connection
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// How many times this prepared statement has run to completion or reset (`SQLITE_STMTSTATUS_RUN`).
    var runCount: Int32 {
        sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_RUN, 0)
    }

    /// The result rows that a run returns.
    enum RowMode {
        /// Steps to the end and returns no rows, as for INSERT, UPDATE, DELETE and DDL.
        case none
        case all
        /// Stops after the first row. A data-changing statement makes all its changes in its first step,
        /// so this is also safe for `INSERT ... RETURNING`.
        case first
    }

    /// Binds the arguments, steps through the statement and returns the rows that `rows` selects.
    func run(_ arguments: [SQLValue], rows mode: RowMode) throws -> [Row] {
        try bind(arguments)
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }

        var rows: [Row] = []
        var columns: (indexes: [String: Int], count: Int)?
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE {
                return rows
            }
            guard code == SQLITE_ROW else {
                throw connection.error(code: code, sql: sql)
            }
            if mode == .none {
                continue
            }

            // Column names are read per run, because a `SELECT *` re-prepared after a schema change can
            // return different columns.
            let current = columns ?? readColumns()
            columns = current
            rows.append(Row(columnIndexes: current.indexes, values: readValues(count: current.count)))
            if mode == .first {
                return rows
            }
        }
    }

    private func bind(_ arguments: [SQLValue]) throws {
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard expected == arguments.count else {
            throw StoreError(
                resultCode: SQLITE_RANGE,
                message:
                    "the statement has \(expected) parameters but \(arguments.count) arguments were passed; pass one argument per '?'",
                sql: sql
            )
        }

        for (offset, argument) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch argument {
            case .null:
                code = sqlite3_bind_null(handle, index)
            case .integer(let value):
                code = sqlite3_bind_int64(handle, index, value)
            case .real(let value):
                code = sqlite3_bind_double(handle, index, value)
            case .text(let value):
                code = sqlite3_bind_text(handle, index, value, -1, csqlite_transient())
            case .blob(let bytes) where bytes.isEmpty:
                // sqlite3_bind_blob with a null pointer would bind NULL instead of an empty blob.
                code = sqlite3_bind_zeroblob(handle, index, 0)
            case .blob(let bytes):
                code = bytes.withUnsafeBytes { buffer in
                    sqlite3_bind_blob(handle, index, buffer.baseAddress, Int32(buffer.count), csqlite_transient())
                }
            }
            guard code == SQLITE_OK else {
                throw connection.error(code: code, sql: sql)
            }
        }
    }

    private func readColumns() -> (indexes: [String: Int], count: Int) {
        let count = Int(sqlite3_column_count(handle))
        var indexes: [String: Int] = [:]
        indexes.reserveCapacity(count)
        for index in 0..<count {
            let name = sqlite3_column_name(handle, Int32(index)).map { String(cString: $0) } ?? "\(index)"
            if indexes[name] == nil {
                indexes[name] = index
            }
        }
        return (indexes, count)
    }

    private func readValues(count: Int) -> [SQLValue] {
        var values: [SQLValue] = []
        values.reserveCapacity(count)
        for index in 0..<Int32(count) {
            values.append(readValue(at: index))
        }
        return values
    }

    private func readValue(at index: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, index))
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(handle, index) else {
                return .text("")
            }
            let length = Int(sqlite3_column_bytes(handle, index))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))
        case SQLITE_BLOB:
            let length = Int(sqlite3_column_bytes(handle, index))
            guard length > 0, let bytes = sqlite3_column_blob(handle, index) else {
                return .blob([])
            }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: length)))
        default:
            return .null
        }
    }
}
