import Foundation

extension Connection {
    /// Applies the migrations of `migrations` that `recordTable` does not list yet.
    ///
    /// Each pending migration runs in its own `BEGIN IMMEDIATE` transaction, which also checks the
    /// record again and inserts it, so two processes opening one file cannot both apply a migration.
    /// Throws when the table records an id the list does not contain, because the file was then
    /// written by a newer build whose schema this build does not know.
    func migrate(_ migrations: [Migration], recordTable: String) throws {
        try Migration.validateOrder(migrations)
        try execute(
            "CREATE TABLE IF NOT EXISTS \(recordTable) (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)"
        )

        try rejectUnknownMigrations(migrations, recordTable: recordTable)

        for migration in migrations {
            try apply(migration, recordTable: recordTable)
        }
    }

    private func rejectUnknownMigrations(_ migrations: [Migration], recordTable: String) throws {
        let known = Set(migrations.map { Int64($0.id) })
        for row in try query("SELECT id, name FROM \(recordTable) ORDER BY id") {
            let id = try row.requireInt("id")
            if !known.contains(id) {
                throw StoreError.misuse(
                    "the database at '\(path)' records migration \(id) ('\(row.string("name") ?? "")') in \(recordTable), which this build does not define; it was written by a newer build, so run that build or restore a backup"
                )
            }
        }
    }

    private func apply(_ migration: Migration, recordTable: String) throws {
        try runTransactionStatement("BEGIN IMMEDIATE")

        do {
            let recorded = try scalarInt(
                "SELECT count(*) FROM \(recordTable) WHERE id = ?", [.integer(Int64(migration.id))])
            if recorded == 0 {
                try executeScript(migration.sql)
                try execute(
                    "INSERT INTO \(recordTable) (id, name, applied_at) VALUES (?, ?, ?)",
                    [.integer(Int64(migration.id)), .text(migration.name), .integer(Self.unixTimeMs())]
                )
            }
            try runTransactionStatement("COMMIT")
        } catch {
            if isInTransaction {
                try? runTransactionStatement("ROLLBACK")
            }
            let cause = StoreError.wrapping(error)
            throw cause.withMessage(
                "migration \(migration.id) ('\(migration.name)') failed and was rolled back: \(cause.message); fix the migration's SQL and open the database again"
            )
        }
    }

    /// Returns the current Unix time in milliseconds, the unit of `applied_at`.
    static func unixTimeMs() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }
}
