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

    @Test(arguments: ["rpc.health", "rpc.ping"])
    func builtInParamNameIsClipped(method: String) throws {
        let fixture = try RuntimeFixture()
        let socket = try fixture.rawSocket()
        let name = String(repeating: "z", count: 1_000_000)

        socket.sendFrame(#"{"jsonrpc":"2.0","method":"\#(method)","id":1,"params":{"\#(name)":1}}"#)
        let reply = try #require(socket.readFrame())
        let error = try JSONParser.parse(reply)["error"]

        #expect(reply.count < 2_000)
        #expect(error?["data"]?["status"] == "INVALID_ARGUMENT")
    }

    @Test func duplicateMemberNameIsClipped() throws {
        let fixture = try RuntimeFixture()
        let socket = try fixture.rawSocket()
        let name = String(repeating: "d", count: 500_000)

        socket.sendFrame(#"{"jsonrpc":"2.0","method":"rpc.ping","id":5,"params":{"\#(name)":1,"\#(name)":2}}"#)
        let reply = try #require(socket.readFrame())

        #expect(reply.count < 6_000)
    }

    @Test func wireErrorIsBounded() {
        let error = RPCError(
            .invalidArgument, String(repeating: "m", count: 100_000),
            details: [
                "value": .string(String(repeating: "v", count: 100_000)),
                "list": .array(Array(repeating: 1, count: 500)),
            ]
        )

        let wire = error.wireObject

        #expect((wire["message"]?.stringValue?.utf8.count ?? 0) < 4_200)
        #expect((wire["data"]?["details"]?["value"]?.stringValue?.utf8.count ?? 0) < 1_100)
        #expect(wire["data"]?["details"]?["list"]?.arrayValue?.count == 100)
    }

    @Test func shortNameIsKeptWhole() {
        #expect("issues.create".clipped == "issues.create")
        #expect(String(repeating: "é", count: 60).clipped.hasSuffix("...(120 bytes)"))
    }
}
