import Foundation
import MeshProtocol
import MeshRuntime
import MeshTransport
import Testing

@Suite struct RPCServerTests {
    @Test func pingAnswersPong() async throws {
        let fixture = try RuntimeFixture()
        let result = try await fixture.client().call("rpc.ping")
        #expect(result == "pong")
    }

    @Test func repliesArriveOutOfOrder() async throws {
        let fixture = try RuntimeFixture()
        let socket = try fixture.rawSocket()
        socket.sendFrame(#"{"jsonrpc":"2.0","id":"slow","method":"echo.sleep","params":{"milliseconds":3000}}"#)
        socket.sendFrame(#"{"jsonrpc":"2.0","id":"fast","method":"echo.say","params":{"text":"hi"}}"#)

        let first = try #require(socket.readJSON())
        #expect(first["id"] == "fast")
        let second = try #require(socket.readJSON())
        #expect(second["id"] == "slow")
    }

    @Test func typedParamsAreChecked() async throws {
        let fixture = try RuntimeFixture()
        let client = fixture.client()

        await #expect(throws: RPCError.self) { _ = try await client.call("echo.say", params: ["text": 5]) }
        do {
            _ = try await client.call("echo.say", params: ["text": "a", "colour": "red"])
            Issue.record("an unknown parameter was accepted")
        } catch {
            #expect(error.status == .invalidArgument)
            #expect(error.message.contains("colour"))
        }
        do {
            _ = try await client.call("echo.say", params: [:])
            Issue.record("a missing parameter was accepted")
        } catch {
            #expect(error.status == .invalidArgument)
            #expect(error.message.contains("params.text"))
        }
    }

    @Test func invalidEnumValueListsAllowed() async throws {
        let fixture = try RuntimeFixture()
        do {
            _ = try await fixture.client().call("echo.mood", params: ["mood": "grumpy"])
            Issue.record("an invalid enum value was accepted")
        } catch {
            #expect(error.status == .invalidArgument)
            #expect(error.message.contains("calm, cheerful"))
            #expect(error.details?["field"] == "mood")
        }
        #expect(try await fixture.client().call("echo.mood", params: ["mood": "calm"])["text"] == "calm")
    }

    @Test func unknownParameterNamesItsPath() async throws {
        let fixture = try RuntimeFixture()

        let error = await #expect(throws: RPCError.self) {
            _ = try await fixture.client().call("echo.say", params: ["text": "hi", "txet": "typo"])
        }

        #expect(error?.status == .invalidArgument)
        #expect(error?.details?["field"] == "txet")
        #expect(error?.details?["unknown"] == ["txet"])
        #expect(error?.details?["unknown_count"] == 1)
        #expect(error?.message.contains("accepted: repeat_count, text") == true)
        #expect(error?.message.contains("(did you mean text?)") == true)
    }

    @Test func unknownMethodIsMethodNotFound() async throws {
        let fixture = try RuntimeFixture()
        do {
            _ = try await fixture.client().call("echo.nothing")
            Issue.record("an unknown method succeeded")
        } catch {
            #expect(error.status == .methodNotFound)
            #expect(error.status.code == -32601)
        }
    }

    /// The second case polls before sleeping (`MESH_BUSY_POLL_US`), which must not delay the deadline.
    @Test(arguments: [[:], ["MESH_BUSY_POLL_US": "1000"]])
    func deadlineStopsSlowHandler(variables: [String: String]) async throws {
        let fixture = try RuntimeFixture(variables: variables)
        var meta = RequestMeta()
        meta.timeoutMs = 100
        do {
            _ = try await fixture.client().call("echo.sleep", params: ["milliseconds": 5_000], meta: meta)
            Issue.record("the call outlived its deadline")
        } catch {
            #expect(error.status == .deadlineExceeded)
            #expect(error.retryable)
        }
    }

    @Test func deadlineInterruptsLongQuery() async throws {
        let fixture = try RuntimeFixture()
        var meta = RequestMeta()
        meta.timeoutMs = 200
        do {
            _ = try await fixture.client().call("echo.slowQuery", meta: meta)
            Issue.record("the query outlived its deadline")
        } catch {
            #expect(error.status == .deadlineExceeded)
        }
        // The reader is free again afterwards.
        let note = try await fixture.client().call("echo.note", params: ["text": "after"])
        #expect(note["count"] == 1)
    }

    @Test func defaultBudgetIsNamedWhenNoneWasSent() async throws {
        let fixture = try RuntimeFixture(variables: ["ECHO_DEFAULT_TIMEOUT_MS": "100"])
        let client = fixture.client()

        let error = await #expect(throws: RPCError.self) {
            try await client.call("echo.sleep", params: ["milliseconds": 5_000])
        }

        #expect(error?.status == .deadlineExceeded)
        #expect(
            error?.message
                == "echo.sleep did not finish within 100 ms, the default budget of the echo for calls without "
                + "meta.timeout_ms; send a larger meta.timeout_ms")
    }

    @Test func zeroBudgetFailsAtOnce() async throws {
        let fixture = try RuntimeFixture()
        var meta = RequestMeta()
        meta.timeoutMs = 0
        let error = await #expect(throws: RPCError.self) {
            _ = try await fixture.client().call("echo.say", params: ["text": "x"], meta: meta)
        }

        #expect(error?.status == .deadlineExceeded)
        #expect(
            error?.message.contains("echo.say arrived with meta.timeout_ms 0") == true, "\(String(describing: error))")
    }

    @Test func zeroBudgetComesBeforeMethodLookup() async throws {
        let fixture = try RuntimeFixture()
        var meta = RequestMeta()
        meta.timeoutMs = 0

        let error = await #expect(throws: RPCError.self) {
            _ = try await fixture.client().call("no.such", meta: meta)
        }

        #expect(error?.status == .deadlineExceeded)
    }

    /// Like any integer param, the id to cancel may be written with a fraction.
    @Test(arguments: ["7", "7.0"])
    func cancelStopsRequest(id: String) async throws {
        let fixture = try RuntimeFixture()
        let socket = try fixture.rawSocket()
        socket.sendFrame(#"{"jsonrpc":"2.0","id":7,"method":"echo.sleep","params":{"milliseconds":600000}}"#)
        try await Task.sleep(for: .milliseconds(100))
        socket.sendFrame(#"{"jsonrpc":"2.0","id":8,"method":"rpc.cancel","params":{"id":\#(id)}}"#)

        let first = try #require(socket.readJSON())
        let second = try #require(socket.readJSON())
        let replies = [first, second]
        let cancelled = try #require(replies.first { $0["id"] == 7 })
        let confirmation = try #require(replies.first { $0["id"] == 8 })
        #expect(cancelled["error"]?["data"]?["status"] == "CANCELLED")
        #expect(confirmation["result"]?["cancelled"] == true)
    }

    @Test(arguments: [
        (#"{"id":2,"x":1}"#, "it takes only id"), (#"{"id":null}"#, "an integer, not null"),
        (#"{"id":1.5}"#, "an integer, not 1.5"),
        (#"{"id":1e19}"#, "an integer, not a whole number outside the 64-bit range"),
        (#"{}"#, "a string or an integer"),
    ])
    func cancelRejectsBadParams(params: String, named: String) throws {
        let fixture = try RuntimeFixture()
        let socket = try fixture.rawSocket()

        socket.sendFrame(#"{"jsonrpc":"2.0","id":1,"method":"rpc.cancel","params":\#(params)}"#)
        let reply = try #require(socket.readJSON())

        #expect(reply["error"]?["data"]?["status"] == "INVALID_ARGUMENT")
        #expect(reply["error"]?["message"]?.stringValue?.hasSuffix(named) == true, "\(reply)")
    }

    @Test func cancelTellsLookalikeIDsApart() async throws {
        let fixture = try RuntimeFixture()
        let socket = try fixture.rawSocket()
        socket.sendFrame(#"{"jsonrpc":"2.0","id":"e\u0301","method":"echo.sleep","params":{"milliseconds":600000}}"#)
        socket.sendFrame(#"{"jsonrpc":"2.0","id":"\u00e9","method":"echo.sleep","params":{"milliseconds":600000}}"#)
        try await Task.sleep(for: .milliseconds(100))
        socket.sendFrame(#"{"jsonrpc":"2.0","id":9,"method":"rpc.cancel","params":{"id":"\u00e9"}}"#)

        let replies = [try #require(socket.readJSON()), try #require(socket.readJSON())]
        let cancelled = try #require(replies.first { $0["id"] != 9 })

        #expect(cancelled["id"]?.stringValue.map { Array($0.utf8) } == [0xC3, 0xA9])
        #expect(cancelled["error"]?["data"]?["status"] == "CANCELLED")
        #expect(replies.first { $0["id"] == 9 }?["result"]?["cancelled"] == true)
    }

    @Test func cancelledBatchMemberStillCompletesBatch() async throws {
        let fixture = try RuntimeFixture()
        let socket = try fixture.rawSocket()
        socket.sendFrame(
            #"[{"jsonrpc":"2.0","id":"slow","method":"echo.sleep","params":{"milliseconds":600000}},{"jsonrpc":"2.0","id":"fast","method":"rpc.ping"}]"#
        )
        try await Task.sleep(for: .milliseconds(100))
        socket.sendFrame(#"{"jsonrpc":"2.0","id":"c","method":"rpc.cancel","params":{"id":"slow"}}"#)

        var batch: [JSONValue]?
        for _ in 0..<2 {
            if let reply = socket.readJSON(), let array = reply.arrayValue {
                batch = array
            }
        }
        let members = try #require(batch)
        #expect(members.count == 2)
        #expect(members.first { $0["id"] == "slow" }?["error"]?["data"]?["status"] == "CANCELLED")
    }

    @Test func inFlightCapGivesResourceExhausted() async throws {
        let fixture = try RuntimeFixture()
        let socket = try fixture.rawSocket()
        for id in 1...257 {
            socket.sendFrame(#"{"jsonrpc":"2.0","id":\#(id),"method":"echo.sleep","params":{"milliseconds":2000}}"#)
        }
        let reply = try #require(socket.readJSON())
        #expect(reply["id"] == 257)
        #expect(reply["error"]?["data"]?["status"] == "RESOURCE_EXHAUSTED")
    }

    @Test func batchGetsOneArrayWithoutNotifications() async throws {
        let fixture = try RuntimeFixture()
        let socket = try fixture.rawSocket()
        socket.sendFrame(
            #"[{"jsonrpc":"2.0","id":1,"method":"rpc.ping"},{"jsonrpc":"2.0","method":"rpc.ping"},{"jsonrpc":"2.0","id":2,"method":"nope"},1]"#
        )
        let reply = try #require(socket.readJSON()?.arrayValue)
        #expect(reply.count == 3)
        #expect(reply[0]["result"] == "pong")
        #expect(reply[1]["error"]?["code"] == -32601)
        #expect(reply[2]["error"]?["code"] == -32600)
    }

    @Test func emptyFrameIsAnsweredThenClosed() async throws {
        let fixture = try RuntimeFixture()
        let socket = try fixture.rawSocket()
        socket.send([0, 0, 0, 0])
        let reply = try #require(socket.readJSON())
        #expect(reply["error"]?["code"] == -32600)
        #expect(reply["id"] == .null)
        #expect(socket.isClosedByPeer())

        // The process still serves others.
        #expect(try await fixture.client().call("rpc.ping") == "pong")
    }

    @Test func oversizedFrameIsRefusedBeforeReading() async throws {
        let fixture = try RuntimeFixture()
        let socket = try fixture.rawSocket()
        socket.send([0x7F, 0xFF, 0xFF, 0xFF])
        let reply = try #require(socket.readJSON())
        #expect(reply["error"]?["message"]?.stringValue?.contains("exceeds the maximum") == true)
        #expect(socket.isClosedByPeer())
    }

    @Test func malformedJSONIsParseError() async throws {
        let fixture = try RuntimeFixture()
        let socket = try fixture.rawSocket()
        socket.sendFrame(#"{"jsonrpc":"2.0","id":1,}"#)
        let reply = try #require(socket.readJSON())
        #expect(reply["error"]?["code"] == -32700)
        socket.sendFrame(#"{"jsonrpc":"2.0","id":2,"method":"rpc.ping"}"#)
        #expect(socket.readJSON()?["result"] == "pong")
    }

    @Test func frameSplitIntoSingleBytesIsServed() async throws {
        let fixture = try RuntimeFixture()
        let socket = try fixture.rawSocket()
        for byte in FrameEncoder.frame(Array(#"{"jsonrpc":"2.0","id":3,"method":"rpc.ping"}"#.utf8)) {
            socket.send([byte])
        }
        #expect(socket.readJSON()?["id"] == 3)
    }

    @Test func describeListsSchemasFromTypes() async throws {
        let fixture = try RuntimeFixture()
        let description = try await fixture.client().call("rpc.describe")
        #expect(description["protocol"] == "tenantmesh/1")
        #expect(description["limits"]?["max_in_flight"] == 256)
        let methods = try #require(description["methods"]?.arrayValue)
        let say = try #require(methods.first { $0["name"] == "echo.say" })
        #expect(say["params"]?["properties"]?["text"]?["type"] == "string")
        #expect(say["params"]?["properties"]?["repeat_count"]?["type"] == ["integer", "null"])
        #expect(say["params"]?["required"] == ["text"])
        #expect(say["result"]?["properties"]?["text"]?["type"] == "string")
    }

    @Test func healthReportsServingWithStore() async throws {
        let fixture = try RuntimeFixture()
        let health = try await fixture.client().call("rpc.health")
        #expect(health["status"] == "SERVING")
        #expect(health["store"]?["state"] == "ok")
    }
}
