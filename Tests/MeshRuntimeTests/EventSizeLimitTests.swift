import Foundation
import MeshProtocol
import MeshStore
import Testing

@testable import MeshRuntime

@Suite struct EventSizeLimitTests {
    private func openStore(frameBytes: Int) throws -> (Database, String) {
        let folder = NSTemporaryDirectory() + "mesh-event-size-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var options = StoreOptions()
        options.synchronous = .normal
        options.maximumEventPayloadBytes = EventDelivery.maximumPayloadBytes(frameBytes: frameBytes)
        return (try Database(path: folder + "/store.sqlite", migrations: [], options: options), folder)
    }

    private func payload(bytes: Int) -> JSONValue {
        // {"text":"..."} adds 11 bytes around the text.
        ["text": .string(String(repeating: "x", count: bytes - 11))]
    }

    @Test func oversizedEventFailsItsWrite() async throws {
        let (store, folder) = try openStore(frameBytes: 65_536)
        defer {
            store.close()
            try? FileManager.default.removeItem(atPath: folder)
        }
        let limit = EventDelivery.maximumPayloadBytes(frameBytes: 65_536)

        let error = await #expect(throws: RPCError.self) {
            try await store.write { connection in
                try connection.publish("company.configured", payload(bytes: limit + 1), atMs: 1)
            }
        }

        #expect(error?.status == .resourceExhausted)
        #expect(error?.retryable == false)
        #expect(error?.details?["size"]?.intValue == Int64(limit + 1))
        #expect(error?.details?["limit"]?.intValue == Int64(limit))
        #expect(error?.message.contains("MESH_MAX_FRAME_BYTES") == true)
        #expect(try await store.read { try $0.latestOutboxSeq() } == 0)
    }

    @Test func largestEventFitsOneDelivery() async throws {
        let frameBytes = 65_536
        let (store, folder) = try openStore(frameBytes: frameBytes)
        defer {
            store.close()
            try? FileManager.default.removeItem(atPath: folder)
        }
        let limit = EventDelivery.maximumPayloadBytes(frameBytes: frameBytes)

        try await store.write { connection in
            try connection.publish("company.configured", payload(bytes: limit), atMs: 1)
        }
        let events = try await store.read { try $0.pendingOutbox(subscriber: "analytics", topics: nil, limit: 10) }
        var meta = RequestMeta()
        meta.caller = Caller.service.json
        meta.timeoutMs = 10_000
        let request = EventDelivery.encodeRequest(
            id: Int64.max, events: events, source: "notification", deliveredThrough: Int64.max, meta: meta)

        #expect(events.count == 1)
        #expect(events.first?.payload.utf8.count == limit)
        #expect(request.count <= frameBytes)
    }
}
