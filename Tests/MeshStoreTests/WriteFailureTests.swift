import Testing

@testable import MeshStore

/// Writes that fail because of the files or the disk are rolled back, reported as such, and recorded
/// in `lastWriteFailure` until a later write commits.
@Suite struct WriteFailureTests {
    let directory: TemporaryDirectory
    let database: Database
    /// Larger than the free space of any page, so inserting it needs new pages.
    let largeLabel = String(repeating: "x", count: 100_000)

    init() throws {
        directory = try TemporaryDirectory()
        database = try Database(path: directory.path("store.sqlite"), migrations: [itemsMigration])
        try database.writeSync { try $0.execute("INSERT INTO items (label) VALUES ('before')") }
    }

    /// Caps the database at its current size, so a write that needs a new page fails with SQLITE_FULL,
    /// as it would on a full disk.
    func capSize() throws {
        try database.writeSync { try $0.execute("PRAGMA max_page_count = 1") }
    }

    func insertLarge() async throws {
        try await database.write { [largeLabel] in
            try $0.execute("INSERT INTO items (label) VALUES (?)", [.text(largeLabel)])
        }
    }

    @Test func fullDiskIsRecordedUntilAWriteCommits() async throws {
        try capSize()
        #expect(database.lastWriteFailure == nil)

        let error = await #expect(throws: StoreError.self) { try await insertLarge() }

        #expect(error?.isDiskFull == true)
        #expect(error?.isStorageFailure == true)
        #expect(try countItems(database) == 1, "the failed write was rolled back")
        #expect(database.lastWriteFailure?.error.isDiskFull == true)

        // A body's own failure is no sign of trouble with the disk, so the record stays as it was.
        await #expect(throws: StoreError.self) {
            try await database.write { try $0.execute("INSERT INTO items (label) VALUES ('before')") }
        }
        #expect(database.lastWriteFailure?.error.isDiskFull == true)

        // A transaction that writes nothing commits even on a full disk, so it proves nothing either.
        try await database.write { _ = try $0.scalarInt("SELECT COUNT(*) FROM items") }
        #expect(database.lastWriteFailure?.error.isDiskFull == true)

        try await database.write { [largeLabel] connection in
            try connection.execute("PRAGMA max_page_count = 1000000")
            try connection.execute("INSERT INTO items (label) VALUES (?)", [.text(largeLabel)])
        }
        #expect(database.lastWriteFailure == nil)
        #expect(try countItems(database) == 2)
        database.close()
    }

    /// `query_only` makes SQLite refuse writes with the same SQLITE_READONLY as a read-only file.
    @Test func readOnlyWriterIsRecordedUntilAWriteCommits() async throws {
        try database.writeSync { try $0.execute("PRAGMA query_only = ON") }

        let error = await #expect(throws: StoreError.self) {
            try await database.write { try $0.execute("INSERT INTO items (label) VALUES ('refused')") }
        }

        #expect(error?.isReadOnly == true)
        #expect(database.lastWriteFailure?.error.isReadOnly == true)

        _ = try database.writer.runExclusive { try $0.execute("PRAGMA query_only = OFF") }
        try await database.write { try $0.execute("INSERT INTO items (label) VALUES ('accepted')") }
        #expect(database.lastWriteFailure == nil)
        database.close()
    }
}
