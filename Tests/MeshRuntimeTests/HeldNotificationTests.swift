import Foundation
import MeshProtocol
import MeshRuntime
import Testing

/// Notifications past the in-flight limit wait for a free slot instead of being dropped, because a
/// notification has no reply that could carry a refusal.
@Suite struct HeldNotificationTests {
    @Test func notificationsPastTheLimitAllRun() async throws {
        let fixture = try RuntimeFixture(variables: ["MESH_MAX_IN_FLIGHT": "4"])
        let socket = try fixture.rawSocket()

        for id in 1...4 {
            socket.sendFrame(#"{"jsonrpc":"2.0","id":\#(id),"method":"echo.sleep","params":{"milliseconds":200}}"#)
        }
        for number in 1...6 {
            socket.sendFrame(#"{"jsonrpc":"2.0","method":"echo.note","params":{"text":"note \#(number)"}}"#)
        }

        let last = try #require(noteUntilAdmitted(on: socket))
        // The store runs writes in the order they were started, and the request after the
        // notifications was read only once they had all started.
        #expect(last["result"]?["count"] == 7, "\(last)")
    }

    @Test func heldBatchMembersRunAndTheBatchCompletes() async throws {
        let fixture = try RuntimeFixture(variables: ["MESH_MAX_IN_FLIGHT": "4"])
        let socket = try fixture.rawSocket()
        let notes = (1...6).map { #"{"jsonrpc":"2.0","method":"echo.note","params":{"text":"n\#($0)"}}"# }
        let sleeps = (1...4).map {
            #"{"jsonrpc":"2.0","id":\#($0),"method":"echo.sleep","params":{"milliseconds":100}}"#
        }

        socket.sendFrame("[" + (sleeps + notes).joined(separator: ",") + "]")

        let batch = try #require(socket.readJSON()?.arrayValue)
        let last = try #require(noteUntilAdmitted(on: socket))
        #expect(batch.count == 4)
        #expect(batch.allSatisfy { $0["result"] != nil }, "\(batch)")
        #expect(last["result"]?["count"] == 7, "\(last)")
    }

    /// A client that shuts down its sending side still gets a reply to every request, those read
    /// behind a waiting notification included, and every notification runs.
    @Test func halfCloseBehindAHeldNotificationLosesNothing() async throws {
        let fixture = try RuntimeFixture(variables: ["MESH_MAX_IN_FLIGHT": "4"])
        let socket = try fixture.rawSocket()

        for id in 1...4 {
            socket.sendFrame(#"{"jsonrpc":"2.0","id":\#(id),"method":"echo.sleep","params":{"milliseconds":300}}"#)
        }
        socket.sendFrame(#"{"jsonrpc":"2.0","method":"echo.note","params":{"text":"first"}}"#)
        socket.sendFrame(#"{"jsonrpc":"2.0","id":7,"method":"echo.note","params":{"text":"request"}}"#)
        socket.sendFrame(#"{"jsonrpc":"2.0","method":"echo.note","params":{"text":"second"}}"#)
        socket.finishSending()

        var replies: [JSONValue: JSONValue] = [:]
        while let reply = socket.readJSON() {
            replies[reply["id"] ?? .null] = reply
        }
        let count = try await fixture.client().call("echo.note", params: ["text": "after"])["count"]

        #expect(Set(replies.keys) == [1, 2, 3, 4, 7])
        // Request 7 may arrive while the first notification fills the last slot, and is then refused.
        let noted: Int64 = replies[7]?["result"] != nil ? 1 : 0
        #expect(count == .int(3 + noted), "the two notifications, request 7 if it ran, and this one")
    }

    /// Sends one `echo.note` request, again after each in-flight refusal, as a client would, and
    /// returns its first other reply. The connection may still be full when it reads the request.
    private func noteUntilAdmitted(on socket: RawSocket) -> JSONValue? {
        for _ in 0..<500 {
            socket.sendFrame(#"{"jsonrpc":"2.0","id":"last","method":"echo.note","params":{"text":"last"}}"#)
            var reply = socket.readJSON()
            while let other = reply, other["id"] != "last" {
                reply = socket.readJSON()
            }
            guard let reply, reply["error"]?["data"]?["status"] == "RESOURCE_EXHAUSTED" else {
                return reply
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return nil
    }
}
