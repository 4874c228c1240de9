import Foundation
import Testing

@testable import MeshStore

@Suite struct ConcurrencyTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    @Test func readersAndWritersSeeNoBusyErrors() async throws {
        var options = StoreOptions()
        options.readerCount = 2
        // A small WAL limit makes checkpoints run while readers hold snapshots.
        options.walAutocheckpointPages = 16
        let database = try Database(
            path: directory.path("store.sqlite"), migrations: [itemsMigration], options: options)
        defer { database.close() }
        let writerCount = 4
        let writesEach = 100
        let padding = String(repeating: "x", count: 2000)

        let errors = await withTaskGroup(of: [String].self) { group in
            for writer in 0..<writerCount {
                group.addTask {
                    var errors: [String] = []
                    for number in 0..<writesEach {
                        do {
                            try await database.write { connection in
                                try connection.execute(
                                    "INSERT INTO items (label, size) VALUES (?, ?)",
                                    [.text("w\(writer)-\(number)-\(padding)"), .integer(Int64(number))]
                                )
                            }
                        } catch {
                            errors.append(String(describing: error))
                        }
                    }
                    return errors
                }
            }
            for _ in 0..<4 {
                group.addTask {
                    var errors: [String] = []
                    for _ in 0..<writesEach {
                        do {
                            _ = try await database.read { connection in
                                try connection.query("SELECT count(*) AS n, sum(size) AS total FROM items")
                            }
                        } catch {
                            errors.append(String(describing: error))
                        }
                    }
                    return errors
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }

        #expect(errors.isEmpty, "errors: \(errors.prefix(5))")
        #expect(try countItems(database) == Int64(writerCount * writesEach))
    }

    @Test func separateDatabasesDoNotShareThreads() async throws {
        let first = try Database(path: directory.path("first.sqlite"), migrations: [itemsMigration])
        let second = try Database(path: directory.path("second.sqlite"), migrations: [itemsMigration])

        try await first.write { try $0.execute("INSERT INTO items (label) VALUES ('first')") }
        try await second.write { try $0.execute("INSERT INTO items (label) VALUES ('second')") }
        first.close()

        #expect(try countItems(second) == 1)
        second.close()
    }
}
