import Testing

@testable import MeshStore

@Suite struct WriteTests {
    let directory: TemporaryDirectory
    let database: Database

    init() throws {
        directory = try TemporaryDirectory()
        database = try Database(path: directory.path("store.sqlite"), migrations: [itemsMigration])
    }

    @Test func throwingBodyRollsBackOnlyItself() async throws {
        try await database.write { try $0.execute("INSERT INTO items (label) VALUES ('kept')") }

        await #expect(throws: IntentionalFailure(number: 1)) {
            try await database.write { connection in
                try connection.execute("INSERT INTO items (label) VALUES ('dropped')")
                throw IntentionalFailure(number: 1)
            }
        }

        let labels = try database.readSync { connection in
            try connection.query("SELECT label FROM items ORDER BY id").compactMap { $0.string("label") }
        }
        #expect(labels == ["kept"])
        database.close()
    }

    @Test func writeReturnsBodyResult() async throws {
        let id = try await database.write { connection in
            try connection.execute("INSERT INTO items (label) VALUES ('a')")
            return connection.lastInsertRowID
        }

        let label = try await database.read {
            try $0.queryOne("SELECT label FROM items WHERE id = ?", [.integer(id)])?.string("label")
        }
        #expect(label == "a")
        database.close()
    }

    @Test func concurrentWritesAllCommitAndOneFailureStaysAlone() async throws {
        let failing = 100

        let results = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            for number in 0..<200 {
                group.addTask {
                    do {
                        try await database.write { connection in
                            try connection.execute(
                                "INSERT INTO items (label, size) VALUES (?, ?)",
                                [.text("item-\(number)"), .integer(Int64(number))])
                            if number == failing {
                                throw IntentionalFailure(number: number)
                            }
                        }
                        return (number, true)
                    } catch let error as IntentionalFailure {
                        #expect(error.number == failing)
                        return (number, false)
                    }
                }
            }
            return try await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }

        #expect(results.count == 200)
        #expect(results.filter { !$0.value }.map(\.key) == [failing])
        let sizes = try database.readSync { connection in
            try connection.query("SELECT size FROM items ORDER BY size").compactMap { $0.int("size") }
        }
        #expect(sizes == (0..<200).filter { $0 != failing }.map(Int64.init))
        database.close()
    }

    @Test func queuedWritesShareOneTransaction() async throws {
        let blocker = try await WriterBlocker(database)
        let before = database.writerStatistics

        try await withThrowingTaskGroup(of: Void.self) { group in
            for number in 0..<200 {
                group.addTask {
                    try await database.write {
                        try $0.execute("INSERT INTO items (label) VALUES (?)", [.text("item-\(number)")])
                    }
                }
            }
            try await waitUntil("200 writes are queued") { database.writer.queue.pendingCount == 200 }
            try await blocker.release()
            try await group.waitForAll()
        }

        let after = database.writerStatistics
        // One transaction for the blocking write, one for the 200 queued behind it.
        #expect(after.transactions == before.transactions + 2)
        #expect(after.largestBatch == 200)
        #expect(after.committedWrites == before.committedWrites + 201)
        #expect(try countItems(database) == 200)
        database.close()
    }

    @Test func interruptedWriteDoesNotLoseItsBatch() async throws {
        let blocker = try await WriterBlocker(database)
        let interruptedBodyStarted = Flag()

        let first = Task {
            try await database.write { try $0.execute("INSERT INTO items (label) VALUES ('first')") }
        }
        try await waitUntil("the first write is queued") { database.writer.queue.pendingCount == 1 }

        // An interrupted INSERT makes SQLite roll back the whole transaction, including 'first'.
        let interrupted = Task {
            try await database.write { connection in
                interruptedBodyStarted.set()
                try connection.execute(
                    "INSERT INTO items (label, size) SELECT 'n' || total, total FROM (\(countToOneBillion))")
            }
        }
        try await waitUntil("the long write is queued") { database.writer.queue.pendingCount == 2 }

        let third = Task {
            try await database.write { try $0.execute("INSERT INTO items (label) VALUES ('third')") }
        }
        try await waitUntil("the third write is queued") { database.writer.queue.pendingCount == 3 }

        try await blocker.release()
        try await waitUntil("the long write runs") { interruptedBodyStarted.isSet }
        interrupted.cancel()

        try await first.value
        try await third.value
        await #expect(throws: CancellationError.self) { try await interrupted.value }

        let labels = try database.readSync { connection in
            try connection.query("SELECT label FROM items ORDER BY id").compactMap { $0.string("label") }
        }
        #expect(labels == ["first", "third"])
        #expect(database.writerStatistics.rerunWrites == 1)
        database.close()
    }

    @Test func deadlineInterruptsLongWrite() async throws {
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(200))

        let error = await #expect(throws: StoreError.self) {
            try await database.write(deadline: deadline) { connection in
                try connection.execute(
                    "INSERT INTO items (label, size) SELECT 'n' || total, total FROM (\(countToOneBillion))")
            }
        }

        #expect(error?.isInterrupted == true)
        #expect(error?.message.contains("deadline passed") == true)
        #expect(try countItems(database) == 0)
        database.close()
    }

    @Test func passedDeadlineSkipsBody() async throws {
        let ran = Flag()

        let error = await #expect(throws: StoreError.self) {
            try await database.write(deadline: ContinuousClock.now.advanced(by: .seconds(-1))) { connection in
                ran.set()
                try connection.execute("INSERT INTO items (label) VALUES ('late')")
            }
        }

        #expect(error?.isInterrupted == true)
        #expect(!ran.isSet)
        #expect(try countItems(database) == 0)
        database.close()
    }

    @Test func transactionStatementsRejectedInBody() async throws {
        let error = await #expect(throws: StoreError.self) {
            try await database.write { connection in
                try connection.execute("INSERT INTO items (label) VALUES ('a')")
                try connection.execute("COMMIT")
            }
        }

        #expect(error?.message.contains("use Connection.savepoint") == true)
        #expect(error?.sql == "COMMIT")
        #expect(try countItems(database) == 0)
        database.close()
    }

    @Test func nestedSavepointRollsBackInnerOnly() async throws {
        try await database.write { connection in
            try connection.execute("INSERT INTO items (label) VALUES ('outer')")
            _ = try? connection.savepoint("inner") {
                try connection.execute("INSERT INTO items (label) VALUES ('inner')")
                throw IntentionalFailure(number: 2)
            }
        }

        let labels = try database.readSync { connection in
            try connection.query("SELECT label FROM items").compactMap { $0.string("label") }
        }
        #expect(labels == ["outer"])
        database.close()
    }

    @Test func quotesSavepointNameWithQuote() async throws {
        try await database.write { connection in
            try connection.savepoint(#"say "hi""#) {
                try connection.execute("INSERT INTO items (label) VALUES ('quoted')")
            }
        }

        #expect(try countItems(database) == 1)
        database.close()
    }

    @Test func writeAfterCloseFails() async throws {
        database.close()
        database.close()

        let error = await #expect(throws: StoreError.self) {
            try await database.write { try $0.execute("INSERT INTO items (label) VALUES ('a')") }
        }
        #expect(error?.message.contains("is closed") == true)
    }
}
