import Testing

@testable import MeshStore

@Suite struct MigrationTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    let migrations = [
        itemsMigration,
        Migration(id: 2, name: "add_items_note", sql: "ALTER TABLE items ADD COLUMN note TEXT"),
    ]

    @Test func appliedOnceAndRecorded() throws {
        let path = directory.path("store.sqlite")
        let first = try Database(path: path, migrations: migrations)
        let recorded = try first.readSync {
            try $0.query("SELECT id, name, applied_at FROM schema_migrations ORDER BY id")
        }
        first.close()

        #expect(recorded.map { $0.int("id") } == [1, 2])
        #expect(recorded.map { $0.string("name") } == ["create_items", "add_items_note"])

        // CREATE TABLE and ADD COLUMN fail when run twice, so a reopen that reapplied them would throw.
        let second = try Database(path: path, migrations: migrations)
        defer { second.close() }
        let again = try second.readSync {
            try $0.query("SELECT id, name, applied_at FROM schema_migrations ORDER BY id")
        }
        #expect(again.map { $0.int("applied_at") } == recorded.map { $0.int("applied_at") })
    }

    @Test func storeTablesRecordedApart() throws {
        let database = try Database(path: directory.path("store.sqlite"), migrations: migrations)
        defer { database.close() }

        let storeNames = try database.readSync { connection in
            try connection.query("SELECT name FROM store_migrations ORDER BY id").map { try $0.requireString("name") }
        }
        #expect(storeNames == ["store.outbox", "store.inbox", "store.inbox_source"])

        let tables = try database.readSync { connection in
            try connection.query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").compactMap {
                $0.string("name")
            }
        }
        for table in ["outbox", "outbox_cursor", "inbox", "items", "schema_migrations", "store_migrations"] {
            #expect(tables.contains(table), "missing table \(table)")
        }
    }

    @Test func failingMigrationLeavesNothingHalfApplied() throws {
        let path = directory.path("store.sqlite")
        let broken = Migration(
            id: 2,
            name: "add_tags",
            sql:
                "CREATE TABLE tags (name TEXT); INSERT INTO tags (name) VALUES ('a'); INSERT INTO missing_table VALUES (1)"
        )

        let error = #expect(throws: StoreError.self) {
            try Database(path: path, migrations: [itemsMigration, broken])
        }
        #expect(error?.message.contains("migration 2 ('add_tags') failed") == true)
        #expect(error?.message.contains("missing_table") == true)

        let database = try Database(path: path, migrations: [itemsMigration])
        defer { database.close() }
        let tagsTables = try database.readSync {
            try $0.scalarInt("SELECT count(*) FROM sqlite_schema WHERE name = 'tags'")
        }
        let recordedIDs = try database.readSync { connection in
            try connection.query("SELECT id FROM schema_migrations").compactMap { $0.int("id") }
        }
        #expect(tagsTables == 0)
        #expect(recordedIDs == [1])
    }

    @Test func fixedMigrationAppliesAfterFailure() throws {
        let path = directory.path("store.sqlite")
        let broken = Migration(id: 2, name: "add_tags", sql: "CREATE TABLE tags (name TEXT); SELEC 1")
        let fixed = Migration(id: 2, name: "add_tags", sql: "CREATE TABLE tags (name TEXT)")

        #expect(throws: StoreError.self) {
            try Database(path: path, migrations: [itemsMigration, broken])
        }

        let database = try Database(path: path, migrations: [itemsMigration, fixed])
        defer { database.close() }
        let count = try database.readSync { try $0.scalarInt("SELECT count(*) FROM schema_migrations") }
        #expect(count == 2)
    }

    @Test(arguments: [
        ([1, 1], "migration id 1 appears twice"),
        ([1, 3, 2], "migration id 2 ('m2') comes after id 3"),
        ([0], "migration id 0 ('m0') is below 1"),
    ])
    func invalidIDListRejected(ids: [Int], expectedMessage: String) throws {
        let list = ids.map { Migration(id: $0, name: "m\($0)", sql: "CREATE TABLE t\($0) (x)") }

        let error = #expect(throws: StoreError.self) {
            try Database(path: directory.path("store.sqlite"), migrations: list)
        }
        #expect(error?.message.contains(expectedMessage) == true, "message: \(error?.message ?? "none")")
    }

    @Test func unknownRecordedMigrationRejected() throws {
        let path = directory.path("store.sqlite")
        try Database(path: path, migrations: migrations).close()

        let error = #expect(throws: StoreError.self) {
            try Database(path: path, migrations: [itemsMigration])
        }
        #expect(error?.message.contains("records migration 2 ('add_items_note')") == true)
    }

    @Test func transactionStatementInMigrationRejected() throws {
        let migration = Migration(id: 1, name: "own_transaction", sql: "BEGIN; CREATE TABLE t (x); COMMIT")

        let error = #expect(throws: StoreError.self) {
            try Database(path: directory.path("store.sqlite"), migrations: [migration])
        }
        #expect(error?.message.contains("BEGIN, COMMIT and ROLLBACK are not allowed") == true)
    }

    @Test func missingFolderNamedInError() throws {
        let path = directory.path("no-such-folder/store.sqlite")

        let error = #expect(throws: StoreError.self) {
            try Database(path: path, migrations: [])
        }
        #expect(error?.message.contains(path) == true)
    }
}
