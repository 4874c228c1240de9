import Foundation
import MeshProtocol
import MeshStore
import MeshTransport
import Testing

@testable import MeshRuntime

/// A write that fails because of the database's files or disk reaches the client in words naming the
/// condition, the file and the fix, never the SQL, and `rpc.health` reports it until a write succeeds.
@Suite struct StorageFailureTests {
    /// Larger than the free space of any page, so storing it needs new pages.
    static let largeText = JSONValue.string(String(repeating: "x", count: 100_000))

    @Test func fullDiskReachesTheClientAndHealthUntilAWriteSucceeds() async throws {
        let fixture = try RuntimeFixture()
        let client = fixture.client()
        defer { client.close() }
        _ = try await client.call("echo.note", params: ["text": "first"])
        // Capping the file at its current size gives the SQLITE_FULL of a full disk.
        try fixture.host.store.writeSync { try $0.execute("PRAGMA max_page_count = 1") }

        let error = await #expect(throws: RPCError.self) {
            try await client.call("echo.note", params: ["text": Self.largeText])
        }

        #expect(error?.status == .unavailable)
        #expect(error?.retryable == true)
        #expect(
            error?.message
                == "echo.note failed: the disk holding echo's database data/echo.sqlite is full (SQLITE_FULL), and "
                + "its write was rolled back; free space on that disk, then retry the call")
        #expect(error?.details?["reason"] == "disk_full")
        #expect(error?.details?["file"] == "data/echo.sqlite")

        let failing = try await client.call("rpc.health")
        #expect(failing["status"] == "NOT_SERVING")
        #expect(failing["store"]?["state"] == "error")
        #expect(failing["store"]?["reason"] == "disk_full")
        let detail = try #require(failing["store"]?["detail"]?.stringValue)
        #expect(detail.contains("the disk holding echo's database data/echo.sqlite is full (SQLITE_FULL)"))
        #expect(detail.contains("this report stays until a write succeeds"))
        #expect(failing["store"]?["failed_at"]?.stringValue.map { detail.contains($0) } == true)

        try await fixture.host.store.write { try $0.execute("PRAGMA max_page_count = 1000000") }
        _ = try await client.call("echo.note", params: ["text": Self.largeText])
        let recovered = try await client.call("rpc.health")
        #expect(recovered["status"] == "SERVING")
        #expect(recovered["store"] == ["state": "ok"])
    }

    /// `query_only` makes SQLite refuse writes with the SQLITE_READONLY of a read-only file.
    @Test func readOnlyStoreReachesTheClientAndHealth() async throws {
        let fixture = try RuntimeFixture()
        let client = fixture.client()
        defer { client.close() }
        try fixture.host.store.writeSync { try $0.execute("PRAGMA query_only = ON") }

        let error = await #expect(throws: RPCError.self) {
            try await client.call("echo.note", params: ["text": "refused"])
        }

        #expect(error?.status == .internal)
        #expect(error?.retryable == false)
        #expect(error?.message.hasPrefix("echo.note failed: echo cannot write its database data/echo.sqlite") == true)
        #expect(error?.message.contains("writable by the user that runs the mesh, then restart echo") == true)
        let health = try await client.call("rpc.health")
        #expect(health["status"] == "NOT_SERVING")
        #expect(health["store"]?["reason"] == "read_only")
    }

    /// Each storage condition's status, retry flag and words. The SQL and SQLite's own message, which
    /// could quote data, stay out of the client's message.
    @Test(arguments: [
        (13, RPCStatus.unavailable, "disk_full", "the disk holding echo's database data/echo.sqlite is full"),
        (778, .unavailable, "io_error", "echo got an I/O error from its database data/echo.sqlite (SQLITE_IOERR)"),
        (8, .internal, "read_only", "echo cannot write its database data/echo.sqlite or its -wal or -shm file"),
        (11, .internal, "corrupt", "echo's database data/echo.sqlite is damaged (SQLITE_CORRUPT)"),
        (26, .internal, "corrupt", "echo's database data/echo.sqlite is damaged (SQLITE_NOTADB)"),
        (14, .internal, "cannot_open", "echo cannot open its database data/echo.sqlite or its -wal or -shm file"),
    ])
    func storageFailureIsWorded(code: Int32, status: RPCStatus, reason: String, words: String) {
        let store = StoreError(resultCode: code, message: "near 'acme-secret'", sql: "INSERT INTO notes VALUES (?)")

        let error = RPCServer.wireError(
            store, method: "echo.note", configuration: .init(processName: "echo"),
            logger: Logger(label: "echo", sink: .memory()))

        #expect(error.status == status)
        #expect(error.retryable == status.retryable)
        #expect(error.message.hasPrefix("echo.note failed: \(words)"))
        #expect(error.details?["reason"] == .string(reason))
        #expect(error.details?["sqlite_code"] == .int(Int64(code)))
        #expect(!error.message.contains("INSERT"))
        #expect(!error.message.contains("acme-secret"))
    }

    @Test func otherStoreFailuresStayInternal() {
        let store = StoreError(
            resultCode: 2067, message: "UNIQUE constraint failed", sql: "INSERT INTO notes VALUES (?)")

        let error = RPCServer.wireError(
            store, method: "echo.note", configuration: .init(processName: "echo"),
            logger: Logger(label: "echo", sink: .memory()))

        #expect(error.status == .internal)
        #expect(error.message == "echo.note failed in storage (SQLite result code 2067); see the process log")
    }
}
