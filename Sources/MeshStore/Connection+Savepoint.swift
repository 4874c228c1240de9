extension Connection {
    /// Runs `body` inside `SAVEPOINT name`: released when `body` returns, rolled back when it throws.
    ///
    /// Savepoints nest. Outside any transaction the outermost savepoint is itself a transaction and its
    /// release commits. When an error has already ended the whole transaction (SQLite does this after an
    /// interrupted write or a full disk), there is nothing left to roll back and the error is rethrown.
    public func savepoint<T>(_ name: String, _ body: () throws -> T) throws -> T {
        let statements = SavepointStatements(name: name)
        try execute(statements.begin)

        do {
            let result = try body()
            try execute(statements.release)
            return result
        } catch {
            if isInTransaction {
                // A failed rollback leaves the transaction for the caller to end. The body's error is
                // rethrown because it explains what went wrong.
                try? execute(statements.rollback)
                try? execute(statements.release)
            }
            throw error
        }
    }
}

/// The SQL texts of one savepoint. The store's own savepoint, which every write runs in, is built once.
struct SavepointStatements {
    let begin: String
    let release: String
    let rollback: String

    private static let write = SavepointStatements(quotedName: quote(writeSavepointName))

    init(name: String) {
        self = name == writeSavepointName ? Self.write : SavepointStatements(quotedName: Self.quote(name))
    }

    private init(quotedName: String) {
        begin = "SAVEPOINT \(quotedName)"
        release = "RELEASE \(quotedName)"
        rollback = "ROLLBACK TO \(quotedName)"
    }

    private static func quote(_ name: String) -> String {
        var quoted = "\""
        for character in name {
            quoted.append(character == "\"" ? "\"\"" : String(character))
        }
        return quoted + "\""
    }
}
