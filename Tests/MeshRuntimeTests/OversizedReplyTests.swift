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
}
