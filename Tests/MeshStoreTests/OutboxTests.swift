import Testing

@testable import MeshStore

@Suite struct OutboxTests {
    let directory: TemporaryDirectory
    let database: Database

    init() throws {
        directory = try TemporaryDirectory()
        database = try Database(path: directory.path("store.sqlite"), migrations: [itemsMigration])
    }

    /// Appends events with topics a, b, a, b, a and returns their seqs.
    private func appendFive() throws -> [Int64] {
        try database.writeSync { connection in
            try ["a", "b", "a", "b", "a"].enumerated().map { index, topic in
                try connection.appendOutbox(
                    eventID: "evt_\(index)", topic: topic, payload: "{\"n\":\(index)}", createdAtMs: 1000 + Int64(index)
                )
            }
        }
    }

    private func pending(_ subscriber: String, topics: Set<String>? = nil, limit: Int = 100) throws -> [OutboxEvent] {
        try database.readSync { try $0.pendingOutbox(subscriber: subscriber, topics: topics, limit: limit) }
    }

    @Test func pendingInSeqOrder() throws {
        let seqs = try appendFive()

        let events = try pending("billing")

        #expect(seqs == seqs.sorted())
        #expect(events.map(\.seq) == seqs)
        #expect(events.map(\.eventID) == ["evt_0", "evt_1", "evt_2", "evt_3", "evt_4"])
        #expect(
            events.first
                == OutboxEvent(seq: seqs[0], eventID: "evt_0", topic: "a", payload: "{\"n\":0}", createdAtMs: 1000))
        database.close()
    }

    @Test func cursorsAreIndependentPerSubscriber() throws {
        let seqs = try appendFive()

        try database.writeSync { try $0.markDelivered(subscriber: "billing", upTo: seqs[2], atMs: 2000) }

        #expect(try pending("billing").map(\.eventID) == ["evt_3", "evt_4"])
        #expect(try pending("analytics").map(\.eventID) == ["evt_0", "evt_1", "evt_2", "evt_3", "evt_4"])
        database.close()
    }

    @Test func cursorNeverMovesBack() throws {
        let seqs = try appendFive()

        try database.writeSync { connection in
            try connection.markDelivered(subscriber: "billing", upTo: seqs[3], atMs: 2000)
            try connection.markDelivered(subscriber: "billing", upTo: seqs[1], atMs: 3000)
        }

        #expect(try database.readSync { try $0.outboxCursor(subscriber: "billing") } == seqs[3])
        #expect(try pending("billing").map(\.eventID) == ["evt_4"])
        database.close()
    }

    @Test func topicFilterAndLimit() throws {
        _ = try appendFive()

        #expect(try pending("notification", topics: ["a"]).map(\.eventID) == ["evt_0", "evt_2", "evt_4"])
        #expect(try pending("notification", topics: ["a", "b"], limit: 2).map(\.eventID) == ["evt_0", "evt_1"])
        #expect(try pending("notification", topics: []).isEmpty)
        #expect(throws: StoreError.self) { try pending("notification", limit: 0) }
        database.close()
    }

    @Test func duplicateEventIDRejected() throws {
        _ = try appendFive()

        let error = #expect(throws: StoreError.self) {
            try database.writeSync { try $0.appendOutbox(eventID: "evt_0", topic: "a", payload: "{}", createdAtMs: 1) }
        }
        #expect(error?.isUniqueViolation == true)
        database.close()
    }

    @Test func eventRolledBackWithItsChange() async throws {
        await #expect(throws: IntentionalFailure.self) {
            try await database.write { connection in
                try connection.execute("INSERT INTO items (label) VALUES ('a')")
                try connection.appendOutbox(eventID: "evt_lost", topic: "a", payload: "{}", createdAtMs: 1)
                throw IntentionalFailure(number: 3)
            }
        }

        #expect(try pending("billing").isEmpty)
        database.close()
    }

    @Test func pruneKeepsUnacknowledgedAndSeqsStayUnique() throws {
        let seqs = try appendFive()
        try database.writeSync { connection in
            try connection.markDelivered(subscriber: "billing", upTo: seqs[3], atMs: 2000)
            try connection.markDelivered(subscriber: "analytics", upTo: seqs[1], atMs: 2000)
        }

        let deleted = try database.writeSync { try $0.pruneOutbox(deliveredTo: ["billing", "analytics"]) }
        let next = try database.writeSync {
            try $0.appendOutbox(eventID: "evt_5", topic: "a", payload: "{}", createdAtMs: 1)
        }

        #expect(deleted == 2)
        #expect(try pending("analytics").map(\.eventID) == ["evt_2", "evt_3", "evt_4", "evt_5"])
        #expect(next > seqs[4])
        #expect(try database.writeSync { try $0.pruneOutbox(deliveredTo: ["billing", "never-acknowledged"]) } == 0)
        database.close()
    }
}
