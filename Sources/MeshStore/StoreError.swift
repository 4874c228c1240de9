import CSQLite

/// A failure reported by SQLite or by the store around it.
///
/// The message never contains bound argument values, so an error can be logged or returned to a
/// caller without leaking the data that was being written.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// The SQLite extended result code, for example 2067 (`SQLITE_CONSTRAINT_UNIQUE`). Failures found by
    /// the store itself use the closest SQLite code: `SQLITE_MISUSE` for wrong use of the API,
    /// `SQLITE_MISMATCH` for a column of the wrong type, `SQLITE_INTERRUPT` for a passed deadline.
    public let resultCode: Int32
    /// The text from `sqlite3_errmsg`, or the store's own sentence saying what failed and what to do.
    public let message: String
    /// The SQL text that failed, without its bound values.
    public let sql: String?

    public init(resultCode: Int32, message: String, sql: String? = nil) {
        self.resultCode = resultCode
        self.message = message
        self.sql = sql
    }

    /// The primary result code: the low 8 bits of the extended code.
    public var primaryResultCode: Int32 {
        resultCode & 0xFF
    }

    /// True when a deadline or a cancelled task stopped the statement (`SQLITE_INTERRUPT`).
    public var isInterrupted: Bool {
        primaryResultCode == SQLITE_INTERRUPT
    }

    /// True when a lock could not be taken within the busy timeout (`SQLITE_BUSY`).
    public var isBusy: Bool {
        primaryResultCode == SQLITE_BUSY
    }

    /// True for any `SQLITE_CONSTRAINT` failure: UNIQUE, PRIMARY KEY, NOT NULL, CHECK, FOREIGN KEY.
    public var isConstraintViolation: Bool {
        primaryResultCode == SQLITE_CONSTRAINT
    }

    /// True when a UNIQUE constraint or a PRIMARY KEY rejected a duplicate value.
    public var isUniqueViolation: Bool {
        resultCode == Self.constraintUnique || resultCode == Self.constraintPrimaryKey
    }

    // The extended codes are function-like macros in sqlite3.h, which Swift does not import.
    static let constraintUnique = SQLITE_CONSTRAINT | (8 << 8)
    static let constraintPrimaryKey = SQLITE_CONSTRAINT | (6 << 8)

    public var description: String {
        let codeName = String(cString: sqlite3_errstr(resultCode))
        var text = "SQLite error \(resultCode) (\(codeName)): \(message)"
        if let sql {
            text += " [SQL: \(sql)]"
        }
        return text
    }
}

extension StoreError {
    /// Reads the current error of `connection`, after a call that returned `code`.
    init(code: Int32, connection: OpaquePointer?, sql: String?) {
        let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
        self.init(resultCode: code, message: message, sql: sql)
    }

    static func misuse(_ message: String, sql: String? = nil) -> StoreError {
        StoreError(resultCode: SQLITE_MISUSE, message: message, sql: sql)
    }

    /// Returns a copy with a new message and the same code and SQL.
    func withMessage(_ message: String) -> StoreError {
        StoreError(resultCode: resultCode, message: message, sql: sql)
    }

    /// Converts any error thrown while opening or migrating into a StoreError, keeping a StoreError as it is.
    static func wrapping(_ error: any Error) -> StoreError {
        if let storeError = error as? StoreError {
            return storeError
        }
        return StoreError(resultCode: SQLITE_ERROR, message: String(describing: error))
    }
}
