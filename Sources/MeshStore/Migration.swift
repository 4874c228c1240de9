/// One schema change, applied once and recorded by id.
///
/// A database applies its migrations in id order, each in its own transaction together with the row
/// that records it, so a failing migration leaves neither its changes nor its record behind. Ids must
/// be strictly increasing and at least 1. Never change or renumber a migration once it has shipped:
/// add a new one.
///
/// SQLite ignores `PRAGMA foreign_keys` inside a transaction, and `VACUUM` fails there, so neither
/// belongs in a migration.
public struct Migration: Sendable {
    public let id: Int
    public let name: String
    /// One or more SQL statements, run as a script without arguments.
    public let sql: String

    public init(id: Int, name: String, sql: String) {
        self.id = id
        self.name = name
        self.sql = sql
    }
}

extension Migration {
    /// Throws a StoreError naming the first id that is below 1, repeated, or out of order.
    static func validateOrder(_ migrations: [Migration]) throws {
        var previous: Migration?
        for migration in migrations {
            if migration.id < 1 {
                throw StoreError.misuse(
                    "migration id \(migration.id) ('\(migration.name)') is below 1; number migrations from 1 upward"
                )
            }
            if let previous, migration.id == previous.id {
                throw StoreError.misuse(
                    "migration id \(migration.id) appears twice ('\(previous.name)' and '\(migration.name)'); give each migration its own id"
                )
            }
            if let previous, migration.id < previous.id {
                throw StoreError.misuse(
                    "migration id \(migration.id) ('\(migration.name)') comes after id \(previous.id) ('\(previous.name)'); list migrations in increasing id order"
                )
            }
            previous = migration
        }
    }
}
