import MeshProtocol
import Testing

/// A huge name a client sends comes back clipped in the error, so the reply stays small.
@Suite struct OversizeNameTests {
    @Test func unknownMemberIsClipped() throws {
        let fixture = try RuntimeFixture()
        let socket = try fixture.rawSocket()
        let name = String(repeating: "y", count: 700_000)

        socket.sendFrame(#"{"jsonrpc":"2.0","method":"rpc.ping","id":1,"\#(name)":1}"#)
        let reply = try #require(socket.readFrame())
        let error = try JSONParser.parse(reply)["error"]

        #expect(reply.count < 2_000)
        #expect(error?["data"]?["status"] == "INVALID_REQUEST")
        #expect(error?["data"]?["details"]?["field"]?.stringValue?.hasSuffix("...(700000 bytes)") == true)
    }

    @Test func unknownMethodIsClipped() throws {
        let fixture = try RuntimeFixture()
        let socket = try fixture.rawSocket()
        let method = String(repeating: "m", count: 900_000)

        socket.sendFrame(#"{"jsonrpc":"2.0","method":"\#(method)","id":2}"#)
        let reply = try #require(socket.readFrame())
        let error = try JSONParser.parse(reply)["error"]

        #expect(reply.count < 2_000)
        #expect(error?["data"]?["status"] == "METHOD_NOT_FOUND")
        #expect(error?["message"]?.stringValue?.contains("...(900000 bytes)") == true)
    }

    @Test func shortNameIsKeptWhole() {
        #expect("issues.create".clipped == "issues.create")
        #expect(String(repeating: "é", count: 60).clipped.hasSuffix("...(120 bytes)"))
    }
}
