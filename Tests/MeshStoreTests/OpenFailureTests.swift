import Foundation
import MeshTesting
import Testing

@testable import MeshStore

/// Files that cannot serve as the database stop `Database.init` with a message naming the file and the
/// fix, instead of a process that starts and then fails every write.
@Suite struct OpenFailureTests {
    let directory: TemporaryDirectory
    let path: String

    init() throws {
        directory = try TemporaryDirectory()
        path = directory.path("billing.sqlite")
    }

    /// Opens the database at `path`, which the test expects to fail, and returns the error.
    func openingError(sourceLocation: SourceLocation = #_sourceLocation) throws -> StoreError {
        try #require(throws: StoreError.self, sourceLocation: sourceLocation) {
            try Database(path: path, migrations: [itemsMigration])
        }
    }

    /// Creates the database, puts a folder where SQLite expects one of its files, and returns the error
    /// of opening it again.
    func openingError(withFolderAt folder: String) throws -> StoreError {
        try Database(path: path, migrations: [itemsMigration]).close()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        return try openingError()
    }

    @Test func fileThatIsNotADatabaseIsNamedWithTheFix() throws {
        try Data("garbage\n".utf8).write(to: URL(fileURLWithPath: path))

        let error = try openingError()

        #expect(error.primaryCodeName == "SQLITE_NOTADB")
        #expect(error.isStorageFailure)
        #expect(error.message.contains("'\(path)' is not a SQLite database"))
        #expect(error.message.contains("restore every database from your latest backup with mesh restore"))
        #expect(error.message.contains("moves this file and its -wal and -shm files aside"))
        #expect(error.sql == nil)
        #expect(!error.message.contains("\n"), "a supervisor shows only the last line of a failed start")
    }

    @Test func damagedPageIsNamedWithTheFix() throws {
        try Database(path: path, migrations: [itemsMigration]).close()
        // Page 2 is the first table the store creates, which opening reads to find applied migrations.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seek(toOffset: 4096)
        try handle.write(contentsOf: Data(repeating: 0xFF, count: 4096))
        try handle.close()

        let error = try openingError()

        #expect(error.primaryCodeName == "SQLITE_CORRUPT")
        #expect(error.message.contains("'\(path)' is damaged"))
        #expect(error.message.contains("with mesh restore"))
    }

    /// Damage in a page that opening never reads, as a leftover -wal applied to a restored file leaves,
    /// is found by the start's quick check instead of by the first query that touches it.
    @Test func damageOpeningDoesNotReadStopsTheOpen() throws {
        let database = try Database(path: path, migrations: [itemsMigration])
        try fillAndCheckpoint(database)
        database.close()
        try damagePage(atOffset: 30 * 4096)

        let error = try openingError()

        #expect(error.primaryCodeName == "SQLITE_CORRUPT")
        #expect(error.message.contains("quick_check found"))
    }

    /// A query that meets a damaged page marks the database damaged until it closes, though later writes
    /// elsewhere commit.
    @Test func damageFoundByAQueryStays() async throws {
        let database = try Database(path: path, migrations: [itemsMigration])
        defer { database.close() }
        try fillAndCheckpoint(database)
        for page in 10..<60 {
            try damagePage(atOffset: UInt64(page) * 4096)
        }

        await #expect(throws: StoreError.self) {
            try await database.read {
                try $0.scalarInt("SELECT sum(length(label) + (size IS NULL)) FROM items NOT INDEXED")
            }
        }
        try await database.write { try $0.execute("CREATE TABLE other (x)") }

        #expect(database.damage?.error.isCorrupt == true)
        #expect(database.lastWriteFailure == nil)
    }

    /// Writes about 250 KB of rows and copies them into the database file, so damage to the file reaches them.
    private func fillAndCheckpoint(_ database: Database) throws {
        try database.writeSync { connection in
            for index in 0..<2_000 {
                try connection.execute(
                    "INSERT INTO items (label) VALUES (?)",
                    [.text("item \(index) " + String(repeating: "x", count: 100))])
            }
        }
        _ = try database.checkpoint(truncate: true)
    }

    private func damagePage(atOffset offset: UInt64) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 4096))
        try handle.close()
    }

    /// The advice for a damaged file promises a new, empty database in its place, and this checks it.
    @Test func databaseMovedAsideIsRecreatedEmpty() throws {
        let first = try Database(path: path, migrations: [itemsMigration])
        try first.writeSync { try $0.execute("INSERT INTO items (label) VALUES ('old')") }
        first.close()
        try FileManager.default.moveItem(atPath: path, toPath: directory.path("billing.sqlite.damaged"))

        let second = try Database(path: path, migrations: [itemsMigration])

        #expect(try countItems(second) == 0)
        second.close()
    }

    /// A -shm path SQLite cannot use makes it open the database read-only without an error; only a
    /// write transaction shows it. Root can create this condition, unlike a read-only file.
    @Test func sharedMemoryIndexThatIsAFolderStopsTheOpen() throws {
        let error = try openingError(withFolderAt: path + "-shm")

        #expect(error.isReadOnly)
        #expect(error.message.contains("SQLite can only read '\(path)' or its -wal or -shm file"))
        #expect(error.message.contains("-wal and -shm paths are regular files"))
        #expect(error.message.contains("write access to the folder '\(directory.url.path)'"))
    }

    @Test func walThatIsAFolderStopsTheOpen() throws {
        let error = try openingError(withFolderAt: path + "-wal")

        #expect(error.isCannotOpen)
        #expect(error.message.contains("cannot open '\(path)' or its -wal or -shm file"))
    }

    /// Each of the database, its -wal and -shm files and its folder, made unwritable, is named.
    @Test(arguments: ["billing.sqlite", "billing.sqlite-wal", "billing.sqlite-shm", "."])
    func unwritableFileIsNamed(_ name: String) throws {
        try Database(path: path, migrations: [itemsMigration]).close()
        let target = name == "." ? directory.url.path : directory.path(name)
        if !FileManager.default.fileExists(atPath: target) {
            _ = FileManager.default.createFile(atPath: target, contents: nil)
        }
        guard ImmutableAttribute.set(target) else {
            try Test.cancel("skipped: the immutable attribute is not available here, and root can write any file")
        }
        defer { ImmutableAttribute.clear(target) }

        let error = try openingError()

        #expect(error.isReadOnly)
        #expect(error.message.hasPrefix("cannot write '\(target)' ("))
        #expect(error.message.contains("needs write access"))
        if getuid() == 0 {
            #expect(error.message.contains("chattr -i clears"))
        }
    }
}
