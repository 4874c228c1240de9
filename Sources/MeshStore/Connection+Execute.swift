import CSQLite

extension Connection {
    /// Runs one SQL statement with `?` arguments, discarding any result rows.
    ///
    /// Throws a StoreError when the SQL contains more than one statement or the argument count differs
    /// from the number of parameters.
    public func execute(_ sql: String, _ arguments: [SQLValue] = []) throws {
        _ = try cachedStatement(sql).run(arguments, rows: .none)
    }

    /// Runs every statement of a script in order, stopping at the first failure.
    ///
    /// Scripts take no arguments and their statements are not cached, so use it for migrations and setup.
    public func executeScript(_ sql: String) throws {
        try sql.withCString { script in
            var next: UnsafePointer<CChar>? = script
            while let current = next, current.pointee != 0 {
                var statementHandle: OpaquePointer?
                hooks.rejectedTransactionStatement = false
                let code = sqlite3_prepare_v2(handle, current, -1, &statementHandle, &next)
                guard code == SQLITE_OK else {
                    throw error(code: code, sql: String(cString: current).trimmingWhitespace())
                }
                guard let statementHandle else {
                    // Only whitespace or a comment remained.
                    continue
                }

                let text = sqlite3_sql(statementHandle).map { String(cString: $0) } ?? ""
                let statement = Statement(handle: statementHandle, sql: text, connection: self)
                _ = try statement.run([], rows: .none)
            }
        }
    }

    /// Runs one query and returns all of its rows.
    public func query(_ sql: String, _ arguments: [SQLValue] = []) throws -> [Row] {
        try cachedStatement(sql).run(arguments, rows: .all)
    }

    /// Runs one query and returns its first row, or nil when it returns none.
    public func queryOne(_ sql: String, _ arguments: [SQLValue] = []) throws -> Row? {
        try cachedStatement(sql).run(arguments, rows: .first).first
    }

    /// Returns the first column of the first row as an integer, or nil when there is no row or the value is NULL.
    ///
    /// Throws a StoreError when the value is text, a blob or a real number with a fractional part.
    public func scalarInt(_ sql: String, _ arguments: [SQLValue] = []) throws -> Int64? {
        guard let row = try queryOne(sql, arguments), let value = row.values.first else {
            return nil
        }

        switch value {
        case .null:
            return nil
        case .integer(let integer):
            return integer
        case .real(let real) where Int64(exactly: real) != nil:
            return Int64(exactly: real)
        case .real, .text, .blob:
            throw StoreError(
                resultCode: SQLITE_MISMATCH,
                message:
                    "scalarInt expected an integer in the first column but found \(value.storageClassName); cast it in the query",
                sql: sql
            )
        }
    }
}

extension SQLValue {
    /// The SQLite storage class name, for messages that must not show the value itself.
    var storageClassName: String {
        switch self {
        case .null:
            return "NULL"
        case .integer:
            return "INTEGER"
        case .real:
            return "REAL"
        case .text:
            return "TEXT"
        case .blob:
            return "BLOB"
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        let start = firstIndex { !isSpace($0) } ?? endIndex
        let end = lastIndex { !isSpace($0) }.map { index(after: $0) } ?? start
        return String(self[start..<end])
    }
}
