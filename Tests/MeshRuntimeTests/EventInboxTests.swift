import MeshProtocol
import MeshRuntime
import MeshStore
import MeshTransport
import Testing

/// `events.deliver` on a real socket: effects applied once, and inbox rows deleted once the publisher's
/// cursor is past them.
@Suite struct EventInboxTests {
    let fixture: RuntimeFixture

    init() throws {
        fixture = try RuntimeFixture()
    }

    private func event(_ seq: Int64, source: String = "publisher") -> JSONValue {
        MeshEvent(
            eventID: "evt_\(source)_\(seq)", topic: "echo.noted", payload: ["text": .string("note \(seq)")],
            createdAtMs: seq, source: source, seq: seq
        ).json
    }

    private func deliver(_ events: [JSONValue], deliveredThrough: Int64?, to recipient: String? = nil)
        async throws(RPCError) -> JSONValue
    {
        var meta = RequestMeta()
        meta.caller = Caller.service.json
        var params: [String: JSONValue] = ["events": .array(events)]
        if let deliveredThrough {
            params["delivered_through"] = .int(deliveredThrough)
        }
        if let recipient {
            params["to"] = .string(recipient)
        }
        return try await fixture.client().call(
            "events.deliver", params: .object(params), meta: meta, timeout: .seconds(5))
    }

    private func inboxIDs() throws -> [String] {
        try fixture.host.store.readSync { connection in
            try connection.query("SELECT event_id FROM inbox ORDER BY event_id").compactMap { $0.string("event_id") }
        }
    }

    private func noteCount() throws -> Int64 {
        try fixture.host.store.readSync { try $0.scalarInt("SELECT count(*) FROM notes") } ?? 0
    }

    @Test func eventsForAnotherProcessAreRejected() async throws {
        let misrouted = await #expect(throws: RPCError.self) {
            try await deliver([event(1)], deliveredThrough: 0, to: "billing")
        }
        let addressed = try await deliver([event(2)], deliveredThrough: 0, to: EchoService.name)

        #expect(misrouted?.status == .failedPrecondition)
        #expect(misrouted?.message.contains("events for billing reached \(EchoService.name)") == true)
        #expect(addressed["applied"] == 1)
        #expect(try inboxIDs() == ["evt_publisher_2"])
    }

    @Test func mistypedRecipientIsInvalid() async throws {
        var meta = RequestMeta()
        meta.caller = Caller.service.json
        let client = try await fixture.client()
        let call = { (params: JSONValue) async throws(RPCError) -> JSONValue in
            try await client.call("events.deliver", params: params, meta: meta, timeout: .seconds(5))
        }

        let numbered = await #expect(throws: RPCError.self) { try await call(["events": [], "to": 5]) }
        let mistyped = await #expect(throws: RPCError.self) { try await call(["events": [], "to": "biling"]) }
        let noCursor = try await call(["events": [], "delivered_through": .null])

        #expect(numbered?.status == .invalidArgument)
        #expect(numbered?.details?["field"] == "to")
        #expect(numbered?.message.contains("not 5") == true)
        #expect(mistyped?.status == .invalidArgument)
        #expect(mistyped?.message.contains("(did you mean billing?)") == true)
        #expect(noCursor["applied"] == 0)
    }

    @Test func unknownTopicIsCountedAsIgnored() async throws {
        let known = try await deliver([event(1)], deliveredThrough: nil)
        let unknown = try await deliver(
            [
                MeshEvent(
                    eventID: "evt_typo", topic: "echo.notd", payload: [:], createdAtMs: 1, source: "publisher"
                ).json
            ], deliveredThrough: nil)

        #expect(known["ignored"] == 0)
        #expect(unknown["applied"] == 0)
        #expect(unknown["ignored"] == 1)
        #expect(unknown["ignored_topics"] == ["echo.notd"])
    }

    @Test func prunesRowsUpToCursor() async throws {
        _ = try await deliver([event(1), event(2)], deliveredThrough: 0)
        #expect(try inboxIDs() == ["evt_publisher_1", "evt_publisher_2"])

        let second = try await deliver([event(3)], deliveredThrough: 2)

        #expect(second["applied"] == 1)
        #expect(try inboxIDs() == ["evt_publisher_3"])
        #expect(try noteCount() == 3)
    }

    @Test func repeatAfterPruningStaysDuplicate() async throws {
        _ = try await deliver([event(1), event(2)], deliveredThrough: 0)
        _ = try await deliver([event(3)], deliveredThrough: 2)

        let repeated = try await deliver([event(3)], deliveredThrough: 2)

        #expect(repeated["duplicates"] == 1)
        #expect(repeated["applied"] == 0)
        #expect(try noteCount() == 3)
    }

    @Test func eventsCoveredByCursorAreDuplicates() async throws {
        let first = try await deliver([event(1)], deliveredThrough: 1)
        let repeated = try await deliver([event(1)], deliveredThrough: 1)

        #expect(first["duplicates"] == 1)
        #expect(repeated["duplicates"] == 1)
        #expect(repeated["applied"] == 0)
        #expect(try noteCount() == 0)
    }

    @Test func cursorCoversOnlyItsPublisher() async throws {
        let mixed = try await deliver([event(1, source: "other"), event(3)], deliveredThrough: 2)

        #expect(mixed["applied"] == 2)
        #expect(try noteCount() == 2)
    }

    @Test func keepsOtherPublishersRows() async throws {
        _ = try await deliver([event(1, source: "other")], deliveredThrough: 0)
        _ = try await deliver([event(1), event(2)], deliveredThrough: 0)

        _ = try await deliver([event(3)], deliveredThrough: 2)

        #expect(try inboxIDs() == ["evt_other_1", "evt_publisher_3"])
    }

    @Test func keepsRowsWithoutCursor() async throws {
        _ = try await deliver([event(1)], deliveredThrough: nil)

        _ = try await deliver([event(2)], deliveredThrough: nil)

        #expect(try inboxIDs() == ["evt_publisher_1", "evt_publisher_2"])
    }

    @Test func rejectsNegativeCursor() async throws {
        let error = await #expect(throws: RPCError.self) {
            _ = try await deliver([event(1)], deliveredThrough: -1)
        }

        #expect(error?.status == .invalidArgument)
        #expect(error?.message.contains("delivered_through") == true)
        #expect(try noteCount() == 0)
    }

    @Test func replyNamesRejectedEvents() async throws {
        var textless = event(2).objectValue ?? [:]
        textless["payload"] = [:]

        let reply = try await deliver([event(1), .object(textless)], deliveredThrough: nil)

        #expect(reply["applied"] == 1)
        #expect(reply["rejected"] == 1)
        let rejection = try #require(reply["rejections"]?.arrayValue?.first)
        #expect(reply["rejections"]?.arrayValue?.count == 1)
        #expect(rejection["event_id"] == "evt_publisher_2")
        #expect(rejection["topic"] == "echo.noted")
        #expect(rejection["status"] == "INVALID_ARGUMENT")
        #expect(rejection["message"]?.stringValue?.contains("needs a string text") == true)
        #expect(rejection["details"]?["field"] == "payload.text")
        // The rejected id stays in the inbox: sent again, it is a duplicate.
        #expect(try inboxIDs() == ["evt_publisher_1", "evt_publisher_2"])
    }

    @Test func invalidEventNamesItsPosition() async throws {
        var sourceless = event(2).objectValue ?? [:]
        sourceless["source"] = nil

        let error = await #expect(throws: RPCError.self) {
            _ = try await deliver([event(1), .object(sourceless)], deliveredThrough: nil)
        }

        #expect(error?.status == .invalidArgument)
        #expect(error?.details?["field"] == "events[1].source")
        #expect(error?.message.hasPrefix("events[1]: event evt_publisher_2 needs source") == true)
        #expect(try noteCount() == 0)

        let number = await #expect(throws: RPCError.self) {
            _ = try await deliver([event(1), 5], deliveredThrough: nil)
        }
        #expect(number?.details?["field"] == "events[1]")
        #expect(number?.message == "events[1]: each event must be an object, not 5")

        var extra = event(3).objectValue ?? [:]
        extra["bogus"] = 1
        let member = await #expect(throws: RPCError.self) {
            _ = try await deliver([.object(extra)], deliveredThrough: nil)
        }
        #expect(member?.details?["field"] == "events[0].bogus")
        #expect(member?.message.contains("bogus is not a member of an event") == true)
        #expect(try noteCount() == 0)
    }

    @Test func unknownParamIsRejected() async throws {
        var meta = RequestMeta()
        meta.caller = Caller.service.json

        let error = await #expect(throws: RPCError.self) {
            _ = try await fixture.client().call(
                "events.deliver", params: ["events": [], "foo": 1], meta: meta, timeout: .seconds(5))
        }

        #expect(error?.status == .invalidArgument)
        #expect(error?.message.contains("foo") == true)
    }

    @Test func rejectsSeqBelowOne() async throws {
        var bad = event(1).objectValue ?? [:]
        bad["seq"] = 0

        let error = await #expect(throws: RPCError.self) {
            _ = try await deliver([.object(bad)], deliveredThrough: 0)
        }

        #expect(error?.status == .invalidArgument)
        #expect(error?.message.contains("seq") == true)
    }
}
