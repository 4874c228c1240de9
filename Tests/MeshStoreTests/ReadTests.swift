import Testing

@testable import MeshStore

@Suite struct ReadTests {
    let directory: TemporaryDirectory
    let database: Database

    init() throws {
        directory = try TemporaryDirectory()
        database = try Database(path: directory.path("store.sqlite"), migrations: [itemsMigration])
    }

    @Test func readSeesCommittedWrite() async throws {
        try await database.write { try $0.execute("INSERT INTO items (label, size) VALUES ('a', 7)") }

        let size = try await database.read { try $0.scalarInt("SELECT size FROM items WHERE label = 'a'") }
        #expect(size == 7)
        database.close()
    }

    @Test func readKeepsOneSnapshot() throws {
        let database = self.database
        let counts = try database.readSync { connection in
            let before = try connection.scalarInt("SELECT count(*) FROM items")
            try database.writeSync { try $0.execute("INSERT INTO items (label) VALUES ('during')") }
            let after = try connection.scalarInt("SELECT count(*) FROM items")
            return (before, after)
        }

        #expect(counts.0 == 0)
        #expect(counts.1 == 0)
        #expect(try countItems(database) == 1)
        database.close()
    }

    @Test func readersAreQueryOnly() async throws {
        let error = await #expect(throws: StoreError.self) {
            try await database.read { try $0.execute("INSERT INTO items (label) VALUES ('a')") }
        }

        #expect(error?.primaryResultCode == 8)  // SQLITE_READONLY
        #expect(try countItems(database) == 0)
        database.close()
    }

    @Test func deadlineInterruptsLongQuery() async throws {
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(200))

        let error = await #expect(throws: StoreError.self) {
            try await database.read(deadline: deadline) { try $0.scalarInt(countToOneBillion) }
        }

        #expect(error?.isInterrupted == true)
        #expect(error?.sql == countToOneBillion)
        database.close()
    }

    @Test func cancelledTaskStopsLongQuery() async throws {
        let started = Flag()
        let task = Task {
            try await database.read { connection in
                started.set()
                return try connection.scalarInt(countToOneBillion)
            }
        }

        try await waitUntil("the query runs") { started.isSet }
        task.cancel()

        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(try database.readSync { try $0.scalarInt("SELECT 1") } == 1)
        database.close()
    }

    @Test func healthCheckSucceedsUntilClosed() throws {
        #expect(throws: Never.self) { try database.healthCheck().get() }

        database.close()

        #expect(throws: StoreError.self) { try database.healthCheck().get() }
    }
}
