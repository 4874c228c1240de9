import Testing

@testable import MeshStore

@Suite struct InboxTests {
    let directory: TemporaryDirectory
    let database: Database

    init() throws {
        directory = try TemporaryDirectory()
        database = try Database(path: directory.path("store.sqlite"), migrations: [itemsMigration])
    }

    @Test func duplicateDeliveryReturnsFalse() throws {
        let first = try database.writeSync { try $0.recordInbox(eventID: "evt_1", topic: "company.created", atMs: 10) }
        let second = try database.writeSync { try $0.recordInbox(eventID: "evt_1", topic: "company.created", atMs: 20) }

        #expect(first)
        #expect(!second)
        let receivedAt = try database.readSync {
            try $0.scalarInt("SELECT received_at_ms FROM inbox WHERE event_id = 'evt_1'")
        }
        #expect(receivedAt == 10)
        database.close()
    }

    @Test func rolledBackDeliveryCanBeRetried() async throws {
        await #expect(throws: IntentionalFailure.self) {
            try await database.write { connection in
                _ = try connection.recordInbox(eventID: "evt_2", topic: "t", atMs: 10)
                throw IntentionalFailure(number: 4)
            }
        }

        let retried = try await database.write { try $0.recordInbox(eventID: "evt_2", topic: "t", atMs: 11) }
        #expect(retried)
        database.close()
    }

    @Test func pruneDeletesOnlyOlderRows() throws {
        try database.writeSync { connection in
            _ = try connection.recordInbox(eventID: "old", topic: "t", atMs: 10)
            _ = try connection.recordInbox(eventID: "new", topic: "t", atMs: 30)
        }

        let deleted = try database.writeSync { try $0.pruneInbox(receivedBeforeMs: 20) }

        #expect(deleted == 1)
        #expect(try database.writeSync { try $0.recordInbox(eventID: "new", topic: "t", atMs: 40) } == false)
        database.close()
    }

    @Test func prunesOnlyThatSourceThroughSeq() throws {
        try database.writeSync { connection in
            _ = try connection.recordInbox(eventID: "a1", topic: "t", atMs: 1, source: "a", seq: 1)
            _ = try connection.recordInbox(eventID: "a2", topic: "t", atMs: 1, source: "a", seq: 2)
            _ = try connection.recordInbox(eventID: "b1", topic: "t", atMs: 1, source: "b", seq: 1)
            _ = try connection.recordInbox(eventID: "old", topic: "t", atMs: 1)
        }

        let deleted = try database.writeSync { try $0.pruneInbox(source: "a", deliveredThrough: 1) }

        #expect(deleted == 1)
        let remaining = try database.readSync { connection in
            try connection.query("SELECT event_id FROM inbox ORDER BY event_id").compactMap { $0.string("event_id") }
        }
        #expect(remaining == ["a2", "b1", "old"])
    }
}
