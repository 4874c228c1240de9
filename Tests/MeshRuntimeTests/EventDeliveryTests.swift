import MeshProtocol
import MeshStore
import Testing

@testable import MeshRuntime

@Suite struct EventDeliveryTests {
    private func decode(_ bytes: [UInt8]) throws -> RPCRequest {
        guard case .success(.single(let request)) = RPCEnvelope.decodeIncoming(bytes) else {
            Issue.record("the encoded delivery is not one valid request: \(String(decoding: bytes, as: UTF8.self))")
            throw CancellationError()
        }
        return request
    }

    @Test func storedPayloadsArriveUnchanged() throws {
        let payloads: [JSONValue] = [
            ["issue_id": "iss_1", "title": "quote \" and\nnewline", "count": 3],
            ["company_id": "com_1", "nested": ["list": [1, 2.5, nil]]],
        ]
        let events = payloads.enumerated().map { position, payload in
            OutboxEvent(
                seq: Int64(position + 1), eventID: "evt_\(position)", topic: "issue.created",
                payload: JSONWriter.string(payload), createdAtMs: 1_000 + Int64(position))
        }
        var meta = RequestMeta()
        meta.timeoutMs = 10_000

        let request = try decode(
            EventDelivery.encodeRequest(id: 42, events: events, source: "tenancy", deliveredThrough: 9, meta: meta))

        #expect(request.id == .int(42))
        #expect(request.method == "events.deliver")
        #expect(request.meta.timeoutMs == 10_000)
        let expected = events.enumerated().map { position, event in
            MeshEvent(
                eventID: event.eventID, topic: event.topic, payload: payloads[position],
                createdAtMs: event.createdAtMs, source: "tenancy", seq: event.seq
            ).json
        }
        #expect(request.params == ["delivered_through": 9, "events": .array(expected)])
    }

    @Test func matchesGenericEncoderBytes() {
        let payload: JSONValue = ["b": 1, "a": "é"]
        let event = OutboxEvent(
            seq: 7, eventID: "evt_7", topic: "company.provisioned", payload: JSONWriter.string(payload), createdAtMs: 5)
        let meta = RequestMeta()

        let direct = EventDelivery.encodeRequest(
            id: 1, events: [event], source: "billing", recipient: "analytics", deliveredThrough: 6, meta: meta)
        let generic = RPCEnvelope.encodeRequest(
            id: .int(1), method: "events.deliver",
            params: [
                "delivered_through": 6,
                "events": [
                    MeshEvent(
                        eventID: "evt_7", topic: "company.provisioned", payload: payload, createdAtMs: 5,
                        source: "billing", seq: 7
                    )
                    .json
                ],
                "to": "analytics",
            ],
            meta: meta)

        #expect(direct == generic)
    }

    @Test(arguments: ["not json", "{\"cut\": ", "[1, 2]", ""])
    func damagedPayloadBecomesEmptyObject(_ stored: String) throws {
        let damaged = OutboxEvent(seq: 1, eventID: "evt_bad", topic: "issue.created", payload: stored, createdAtMs: 1)
        let intact = OutboxEvent(
            seq: 2, eventID: "evt_ok", topic: "issue.created", payload: #"{"k":1}"#, createdAtMs: 2)

        let request = try decode(
            EventDelivery.encodeRequest(
                id: 3, events: [damaged, intact], source: "tenancy", deliveredThrough: 0, meta: RequestMeta()))

        let delivered = request.params?["events"]?.arrayValue ?? []
        #expect(delivered.count == 2)
        #expect(delivered.first?["payload"] == .object([:]))
        #expect(delivered.last?["payload"] == ["k": 1])
    }
}
