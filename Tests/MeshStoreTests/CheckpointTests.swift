import Foundation
import MeshTesting
import Testing

@testable import MeshStore

@Suite struct CheckpointTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    private func fileSize(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.size] as? NSNumber)?.intValue ?? -1
    }

    @Test func walStaysBoundedUnderWriteLoad() async throws {
        var options = StoreOptions()
        options.synchronous = .normal
        options.walAutocheckpointPages = 64
        let path = directory.path("store.sqlite")
        let database = try Database(path: path, migrations: [itemsMigration], options: options)
        defer { database.close() }
        let rowBytes = 16 * 1024
        let writes = 400
        var largestWAL = 0

        for number in 0..<writes {
            try await database.write { connection in
                try connection.execute(
                    "INSERT INTO items (label, size) VALUES (?, ?)",
                    [.text("\(number)-" + String(repeating: "y", count: rowBytes)), .integer(Int64(number))]
                )
            }
            largestWAL = max(largestWAL, try fileSize(path + "-wal"))
        }

        // About 6.4 MB were written, while 64 pages of 4 KiB plus one transaction's pages fit well under 1 MiB.
        #expect(largestWAL > 0)
        #expect(largestWAL < 1 << 20, "largest WAL was \(largestWAL) bytes")
        #expect(try fileSize(path) > writes * rowBytes)
    }

    @Test func truncatingCheckpointEmptiesWAL() async throws {
        var options = StoreOptions()
        options.synchronous = .normal
        // Autocheckpoint far above the data written, so only the explicit checkpoint copies pages.
        options.walAutocheckpointPages = 100_000
        let path = directory.path("store.sqlite")
        let database = try Database(path: path, migrations: [itemsMigration], options: options)
        defer { database.close() }

        for number in 0..<50 {
            try await database.write { connection in
                try connection.execute(
                    "INSERT INTO items (label) VALUES (?)", [.text("\(number)-" + String(repeating: "z", count: 8000))])
            }
        }
        let sizeBefore = try fileSize(path + "-wal")

        let pages = try database.checkpoint(truncate: true)

        #expect(sizeBefore > 50 * 8000)
        #expect(pages.checkpointedPages == pages.walPages)
        #expect(try fileSize(path + "-wal") == 0)
        #expect(try countItems(database) == 50)
    }

    @Test func passiveCheckpointCopiesPages() async throws {
        var options = StoreOptions()
        options.walAutocheckpointPages = 100_000
        let database = try Database(
            path: directory.path("store.sqlite"), migrations: [itemsMigration], options: options)
        defer { database.close() }
        try await database.write { try $0.execute("INSERT INTO items (label) VALUES ('a')") }

        let pages = try database.checkpoint(truncate: false)

        #expect(pages.walPages > 0)
        #expect(pages.checkpointedPages == pages.walPages)
    }

    @Test func failingCheckpointIsReported() async throws {
        var options = StoreOptions()
        options.synchronous = .normal
        options.walAutocheckpointPages = 16
        options.journalSizeLimitBytes = 64 * 1024
        let path = directory.path("store.sqlite")
        let database = try Database(path: path, migrations: [itemsMigration], options: options)
        defer { database.close() }
        guard ImmutableAttribute.set(path) else {
            try Test.cancel("skipped: the immutable attribute is not available here, and root can write any file")
        }
        defer { ImmutableAttribute.clear(path) }

        // About 800 KB go into the WAL, whose checkpoints cannot write the immutable database file.
        for number in 0..<50 {
            try await database.write { connection in
                try connection.execute(
                    "INSERT INTO items (label, size) VALUES (?, ?)",
                    [.text("\(number)-" + String(repeating: "z", count: 16 * 1024)), .integer(Int64(number))]
                )
            }
        }
        // The watch checks at most once a second.
        try await Task.sleep(for: .milliseconds(1_100))
        try await database.write { try $0.execute("INSERT INTO items (label) VALUES ('last')") }

        let failure = try #require(await eventually { database.lastCheckpointFailure })
        #expect(failure.error.isStorageFailure)
        #expect(database.lastWriteFailure == nil)
        #expect(try fileSize(path + "-wal") > 256 * 1024)

        ImmutableAttribute.clear(path)
        try await Task.sleep(for: .milliseconds(1_100))
        try await database.write { try $0.execute("INSERT INTO items (label) VALUES ('after')") }
        let recovered = await eventually { database.lastCheckpointFailure == nil ? true : nil }

        #expect(recovered == true)
    }

    /// Returns the first non-nil value of `read`, polled for up to 5 seconds, since the writer checks
    /// checkpoints just after it resumes the callers of a commit.
    private func eventually<T>(_ read: () -> T?) async -> T? {
        for _ in 0..<50 {
            if let value = read() {
                return value
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return read()
    }
}
