extension Connection {
    /// Runs `body` in a read transaction, so all of its queries see one snapshot of the database.
    ///
    /// The snapshot starts at the first query, as `BEGIN DEFERRED` does.
    func readTransaction<T>(_ body: () throws -> T) throws -> T {
        try runTransactionStatement("BEGIN DEFERRED")

        do {
            let result = try body()
            try runTransactionStatement("COMMIT")
            return result
        } catch {
            if isInTransaction {
                try? runTransactionStatement("ROLLBACK")
            }
            throw error
        }
    }
}
