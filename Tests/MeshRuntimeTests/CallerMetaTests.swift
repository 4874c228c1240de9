import MeshProtocol
import Testing

/// A service socket called with `meta.caller` set, as an operator or a test harness does.
@Suite struct CallerMetaTests {
    @Test func rootCallerIsRead() throws {
        let fixture = try RuntimeFixture()
        let socket = try fixture.rawSocket()

        socket.sendFrame(#"{"jsonrpc":"2.0","id":1,"method":"echo.whoami","meta":{"caller":{"kind":"root"}}}"#)

        #expect(socket.readJSON()?["result"]?["text"] == "root")
    }

    @Test func unreadableCallerIsNamed() throws {
        let fixture = try RuntimeFixture()
        let socket = try fixture.rawSocket()

        socket.sendFrame(#"{"jsonrpc":"2.0","id":1,"method":"echo.whoami","meta":{"caller":{"kind":"bogus"}}}"#)

        let error = socket.readJSON()?["error"]
        #expect(error?["data"]?["status"] == "UNAUTHENTICATED")
        let message = error?["message"]?.stringValue ?? ""
        #expect(message.contains(#"meta.caller {"kind":"bogus"} is not a caller"#), "\(message)")
    }

    @Test func partialUserCallerIsNamed() throws {
        let fixture = try RuntimeFixture()
        let socket = try fixture.rawSocket()

        socket.sendFrame(
            #"{"jsonrpc":"2.0","id":1,"method":"echo.whoami","meta":{"caller":{"kind":"user","company_id":"cmp_a"}}}"#)

        let error = socket.readJSON()?["error"]
        #expect(error?["data"]?["status"] == "UNAUTHENTICATED")
        let message = error?["message"]?.stringValue ?? ""
        #expect(message.contains("is not a caller"), "\(message)")
        #expect(message.contains("a user needs company_id, user_id and role"), "\(message)")
    }

    @Test func missingCallerIsNotBlamedOnMeta() throws {
        let fixture = try RuntimeFixture()
        let socket = try fixture.rawSocket()

        socket.sendFrame(#"{"jsonrpc":"2.0","id":1,"method":"echo.whoami"}"#)

        let message = socket.readJSON()?["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains("needs an authenticated caller"))
        #expect(!message.contains("is not a caller"))
    }
}
