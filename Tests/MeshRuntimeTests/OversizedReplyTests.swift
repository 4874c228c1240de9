import MeshProtocol
import MeshTransport
import Testing

/// A reply larger than the frame limit becomes an error for its own request only.
@Suite struct OversizedReplyTests {
    @Test func oversizedReplyFailsOnlyItsRequest() async throws {
        let fixture = try RuntimeFixture()
        let client = fixture.client()

        let big = Task { () async -> Result<JSONValue, RPCError> in
            do throws(RPCError) {
                return .success(
                    try await client.call("echo.say", params: ["text": "0123456789abcdef", "repeat_count": 70_000]))
            } catch {
                return .failure(error)
            }
        }
        let small = Task { try await client.call("echo.sleep", params: ["milliseconds": 200]) }

        switch await big.value {
        case .success:
            Issue.record("a reply larger than the frame limit was sent")
        case .failure(let error):
            #expect(error.status == .resourceExhausted)
            #expect(error.details?["limit"] == 1_048_576)
            #expect(error.message.contains("the reply to echo.say is"))
        }
        #expect(try await small.value["text"] == "slept 200")
        #expect(try await client.call("echo.say", params: ["text": "still open"])["text"] == "still open")
    }

    @Test func oversizedExportAdvisesOnlyTheLimit() async throws {
        let fixture = try RuntimeFixture()

        let error = await #expect(throws: RPCError.self) {
            try await fixture.client().call(
                "echo.export", params: ["text": "0123456789abcdef", "repeat_count": 70_000])
        }

        #expect(
            error?.message.hasSuffix(
                "an export comes whole, so raise MESH_MAX_FRAME_BYTES for the mesh and its clients") == true)
    }

    @Test func batchOverFrameLimitDropsItsLargestReplies() async throws {
        let fixture = try RuntimeFixture()
        let socket = try fixture.rawSocket()

        // Each echo reply is about 400 KB: two fit in one 1 MiB frame, three do not.
        let say = #"{"text": "0123456789abcdef", "repeat_count": 25000}"#
        socket.sendFrame(
            """
            [{"jsonrpc": "2.0", "id": 1, "method": "echo.say", "params": \(say)},
             {"jsonrpc": "2.0", "id": 2, "method": "echo.say", "params": {"text": "small"}},
             {"jsonrpc": "2.0", "id": 3, "method": "echo.say", "params": \(say)},
             {"jsonrpc": "2.0", "id": 4, "method": "echo.say", "params": \(say)}]
            """
        )

        let replies = try #require(socket.readJSON()?.arrayValue)
        #expect(replies.count == 4)
        let failed = replies.filter { $0["error"] != nil }
        #expect(failed.count == 1)
        #expect(failed.first?["error"]?["data"]?["status"] == "RESOURCE_EXHAUSTED")
        #expect(failed.first?["error"]?["data"]?["details"]?["limit"] == 1_048_576)
        let small = replies.first { $0["id"] == 2 }
        #expect(small?["result"]?["text"] == "small")
        #expect(replies.filter { $0["result"] != nil }.count == 3)

        // The connection stays open for the next request.
        socket.sendFrame(#"{"jsonrpc": "2.0", "id": 5, "method": "echo.say", "params": {"text": "still open"}}"#)
        #expect(socket.readJSON()?["result"]?["text"] == "still open")
    }

    @Test func defaultClientReadsRepliesOfARaisedFrameLimit() async throws {
        let fixture = try RuntimeFixture(variables: ["MESH_MAX_FRAME_BYTES": "4194304"])
        let client = fixture.client()

        // About 2 MB: past the default limit of 1 MiB, within the 4 MiB this mesh allows.
        let reply = try await client.call("echo.say", params: ["text": "0123456789abcdef", "repeat_count": 130_000])

        #expect(reply["text"]?.stringValue?.utf8.count == 2_080_000)
    }
}
