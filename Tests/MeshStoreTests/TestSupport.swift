import Foundation
import Synchronization
import Testing

@testable import MeshStore

/// A fresh folder under the system temporary directory, removed when the object is released.
final class TemporaryDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("meshstore-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }
}

/// A table for tests that write rows and count them.
let itemsMigration = Migration(
    id: 1,
    name: "create_items",
    sql: "CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL UNIQUE, size INTEGER)"
)

/// An error thrown on purpose by a test body.
struct IntentionalFailure: Error, Equatable {
    let number: Int
}

/// A recursive query over a billion rows, far longer than any test waits, so only a deadline or a
/// cancellation ends it.
let countToOneBillion = """
    WITH RECURSIVE counter(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM counter WHERE n < 1000000000) \
    SELECT count(*) AS total FROM counter
    """

/// Polls `condition` until it holds. Fails the test instead of hanging when it never does.
func waitUntil(
    _ description: String,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () -> Bool
) async throws {
    for _ in 0..<20_000 {
        if condition() {
            return
        }
        try await Task.sleep(for: .milliseconds(1))
    }
    Issue.record("gave up waiting until \(description)", sourceLocation: sourceLocation)
    throw CancellationError()
}

/// A Boolean set once from any thread.
final class Flag: Sendable {
    private let value = Mutex(false)

    func set() {
        value.withLock { $0 = true }
    }

    var isSet: Bool {
        value.withLock { $0 }
    }
}

/// Holds the writer thread inside a write body until `release()`, so the writes queued meanwhile are
/// taken as one batch.
final class WriterBlocker: Sendable {
    private let gate = DispatchSemaphore(value: 0)
    private let task: Task<Void, any Error>

    init(_ database: Database) async throws {
        let entered = Flag()
        let gate = self.gate
        task = Task {
            try await database.write { _ in
                entered.set()
                gate.wait()
            }
        }
        try await waitUntil("the writer runs the blocking body") { entered.isSet }
    }

    func release() async throws {
        gate.signal()
        try await task.value
    }
}

func countItems(_ database: Database) throws -> Int64 {
    try database.readSync { try $0.scalarInt("SELECT count(*) FROM items") ?? -1 }
}
