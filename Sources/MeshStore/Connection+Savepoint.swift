import Foundation

extension Connection {
    /// Runs `body` inside `SAVEPOINT name`: released when `body` returns, rolled back when it throws.
    ///
    /// Savepoints nest. Outside any transaction the outermost savepoint is itself a transaction and its
    /// release commits. When an error has already ended the whole transaction (SQLite does this after an
    /// interrupted write or a full disk), there is nothing left to roll back and the error is rethrown.
    public func savepoint<T>(_ name: String, _ body: () throws -> T) throws -> T {
        let quotedName = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        try execute("SAVEPOINT \(quotedName)")

        do {
            let result = try body()
            try execute("RELEASE \(quotedName)")
            return result
        } catch {
            if isInTransaction {
                // A failed rollback leaves the transaction for the caller to end. The body's error is
                // rethrown because it explains what went wrong.
                try? execute("ROLLBACK TO \(quotedName)")
                try? execute("RELEASE \(quotedName)")
            }
            throw error
        }
    }
}
