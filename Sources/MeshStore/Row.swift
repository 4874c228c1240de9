import CSQLite

/// One result row, with columns looked up by their exact, case-sensitive name.
///
/// When a query returns two columns with the same name, the first one wins. Alias them with `AS` to
/// read both.
public struct Row: Sendable {
    /// Column name to index, shared by every row of one query result.
    private let columnIndexes: [String: Int]
    public let values: [SQLValue]

    init(columnIndexes: [String: Int], values: [SQLValue]) {
        self.columnIndexes = columnIndexes
        self.values = values
    }

    /// Returns the column's value, or `.null` when the row has no such column.
    public subscript(_ column: String) -> SQLValue {
        guard let index = columnIndexes[column] else {
            return .null
        }
        return values[index]
    }

    public func hasColumn(_ column: String) -> Bool {
        columnIndexes[column] != nil
    }

    /// Returns an INTEGER value or a REAL with no fractional part, and nil for anything else.
    public func int(_ column: String) -> Int64? {
        switch self[column] {
        case .integer(let value):
            return value
        case .real(let value):
            return Int64(exactly: value)
        default:
            return nil
        }
    }

    public func string(_ column: String) -> String? {
        if case .text(let value) = self[column] {
            return value
        }
        return nil
    }

    /// Returns a REAL value or an INTEGER converted to Double, and nil for anything else.
    public func double(_ column: String) -> Double? {
        switch self[column] {
        case .real(let value):
            return value
        case .integer(let value):
            return Double(value)
        default:
            return nil
        }
    }

    /// Returns true for a non-zero INTEGER and false for zero, as SQLite stores Booleans, and nil otherwise.
    public func bool(_ column: String) -> Bool? {
        if case .integer(let value) = self[column] {
            return value != 0
        }
        return nil
    }

    public func blob(_ column: String) -> [UInt8]? {
        if case .blob(let value) = self[column] {
            return value
        }
        return nil
    }

    /// Returns the column as an integer or throws a StoreError naming the column and what it held.
    public func requireInt(_ column: String) throws -> Int64 {
        guard let value = int(column) else {
            throw mismatch(column, expected: "an integer")
        }
        return value
    }

    /// Returns the column as text or throws a StoreError naming the column and what it held.
    public func requireString(_ column: String) throws -> String {
        guard let value = string(column) else {
            throw mismatch(column, expected: "text")
        }
        return value
    }

    private func mismatch(_ column: String, expected: String) -> StoreError {
        let found: String
        switch columnIndexes[column].map({ values[$0] }) {
        case nil:
            found = "the row has no such column (columns: \(columnNames.joined(separator: ", ")))"
        case .null?:
            found = "it is NULL"
        case .integer?:
            found = "it is an integer"
        case .real?:
            found = "it is a real number"
        case .text?:
            found = "it is text"
        case .blob?:
            found = "it is a blob"
        }
        return StoreError(
            resultCode: SQLITE_MISMATCH,
            message: "column '\(column)' was expected to hold \(expected) but \(found); check the query's column list"
        )
    }

    /// The column names in result order.
    public var columnNames: [String] {
        columnIndexes.sorted { $0.value < $1.value }.map(\.key)
    }
}
