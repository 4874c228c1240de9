import Foundation
import MeshProtocol
import MeshRuntime
import MeshTransport
import Testing

@Suite struct RPCClientTests {
    /// Returns a client of `fixture` whose options `configure` changed.
    func client(of fixture: RuntimeFixture, _ configure: (inout RPCClient.Options) -> Void) -> RPCClient {
        var options = RPCClient.Options()
        configure(&options)
        return RPCClient(path: fixture.socketPath, loop: fixture.clientLoop, options: options)
    }

    @Test func pendingQueueIsBounded() async throws {
        let fixture = try RuntimeFixture()
        let client = client(of: fixture) { $0.maximumPending = 2 }

        let slow = Task { try await client.call("echo.sleep", params: ["milliseconds": 1_000]) }
        let slower = Task { try await client.call("echo.sleep", params: ["milliseconds": 1_000]) }
        try await Task.sleep(for: .milliseconds(200))
        do {
            _ = try await client.call("rpc.ping")
            Issue.record("a call past the pending bound was queued")
        } catch {
            #expect(error.status == .resourceExhausted)
            #expect(error.retryable)
            #expect(error.details?["reason"] == "client_pending")
            #expect(error.details?["limit"] == 2)
            #expect(error.message.contains("RPCClient.Options.maximumPending"))
        }
        _ = try await slow.value
        _ = try await slower.value
    }

    @Test func quietConnectionIsReplaced() async throws {
        let fixture = try RuntimeFixture()
        let client = client(of: fixture) { $0.replaceQuietConnectionAfter = .milliseconds(500) }
        _ = try await client.call("rpc.ping")
        let first = client.connectionsMade

        // Quiet for longer than the limit: the next call goes out on a new connection, and the old one closes.
        try await Task.sleep(for: .milliseconds(1_500))
        let reply = try await client.call("echo.say", params: ["text": "again"])
        #expect(reply["text"] == "again")
        #expect(client.connectionsMade > first)
        #expect(try await fixture.openConnectionsOnceSettled(leaving: 1) == 1)

        // While a call is in flight, the connection is kept for the next call, however quiet it is.
        let slow = Task { try await client.call("echo.sleep", params: ["milliseconds": 3_000]) }
        try await Task.sleep(for: .milliseconds(1_000))
        let before = client.connectionsMade
        _ = try await client.call("rpc.ping")
        #expect(client.connectionsMade == before)
        _ = try await slow.value
    }

    @Test func clientOptionsFollowTheIdleTimeout() throws {
        let options = try LimitVariables.clientOptions(["MESH_IDLE_TIMEOUT_MS": "60000"])
        #expect(options.replaceQuietConnectionAfter == .seconds(30))
        #expect(try LimitVariables.clientOptions([:]).replaceQuietConnectionAfter == .seconds(150))
    }

    /// Sends `count` concurrent one-second sleeps through a client whose window is `window` requests,
    /// to a server that allows 4 in flight, and returns how many were refused.
    func refusals(count: Int, window: Int) async throws -> Int {
        let fixture = try RuntimeFixture(variables: ["MESH_MAX_IN_FLIGHT": "4"])
        let client = client(of: fixture) { $0.maximumInFlight = window }

        return await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<count {
                group.addTask {
                    do throws(RPCError) {
                        _ = try await client.call("echo.sleep", params: ["milliseconds": 200])
                        return false
                    } catch {
                        return error.status == .resourceExhausted
                    }
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
    }

    @Test func windowKeepsCallsUnderServerLimit() async throws {
        #expect(try await refusals(count: 12, window: 4) == 0)
    }

    @Test func widerWindowThanServerNarrowsToIt() async throws {
        // The server rejects requests past its limit and names the limit. The client sends them again
        // and keeps to that limit, so the caller sees no rejection.
        #expect(try await refusals(count: 40, window: 256) == 0)
    }

    @Test func requestOverServerFrameLimitIsNamed() async throws {
        let fixture = try RuntimeFixture(variables: ["MESH_MAX_FRAME_BYTES": "65536"])
        let client = fixture.client()

        let error = await #expect(throws: RPCError.self) {
            _ = try await client.call("echo.say", params: ["text": .string(String(repeating: "x", count: 100_000))])
        }
        let after = try await client.call("rpc.ping")

        #expect(error?.status == .invalidRequest)
        #expect(error?.retryable == false)
        #expect(error?.details?["limit"] == 65_536)
        #expect(error?.message.contains("nothing was applied") == true, "\(String(describing: error))")
        #expect(after == "pong")
    }

    @Test func queuedCallCarriesTheBudgetLeft() async throws {
        let fixture = try RuntimeFixture()
        let client = client(of: fixture) { $0.maximumInFlight = 1 }

        // The first call takes the only place in the window for 2 s, while the second waits. The margin
        // is wide because a busy machine may start the second call late.
        let first = Task { try await client.call("echo.sleep", params: ["milliseconds": 2_000]) }
        try await Task.sleep(for: .milliseconds(50))
        var meta = RequestMeta()
        meta.timeoutMs = 10_000
        let received = try await client.call("echo.budget", meta: meta, timeout: .seconds(11))
        _ = try await first.value

        let budget = try #require(received["text"]?.stringValue.flatMap { Int64($0) })
        #expect(budget <= 9_500)
        #expect(budget > 0)
    }

    @Test func cancelledQueuedCallIsNeverSent() async throws {
        let fixture = try RuntimeFixture()
        let client = client(of: fixture) { $0.maximumInFlight = 1 }

        // The first call takes the only place in the window until it is cancelled.
        let first = Task { try await client.call("echo.sleep", params: ["milliseconds": 30_000]) }
        try await Task.sleep(for: .milliseconds(50))
        let queued = Task { try await client.call("echo.note", params: ["text": "must not be stored"]) }
        try await Task.sleep(for: .milliseconds(50))
        queued.cancel()
        first.cancel()

        #expect((try? await queued.value) == nil)
        #expect((try? await first.value) == nil)
        let stored = try await client.call("echo.note", params: ["text": "after"])
        #expect(stored["count"] == 1)
    }

    @Test func reconnectsAfterServerReturns() async throws {
        let home = MeshHome(root: "/tmp/rt-back-" + String(UInt32.random(in: 0...UInt32.max), radix: 36))
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        let loop = try EventLoop(name: "reconnect")
        loop.start()
        defer { loop.stop() }
        let client = RPCClient(path: home.socketPath(EchoService.name), loop: loop)

        await #expect(throws: RPCError.self) { _ = try await client.call("rpc.ping") }

        let host = try ServiceHost(EchoService.self, home: home, logger: Logger(label: "echo", sink: .memory()))
        try host.start()
        defer { host.stop() }

        // The first attempts may fall inside the client's backoff window; it recovers by itself.
        var answer: JSONValue?
        for _ in 0..<50 where answer == nil {
            answer = try? await client.call("rpc.ping")
            if answer == nil {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        #expect(answer == "pong")
    }

    @Test func cancellingTaskCancelsServerRequest() async throws {
        let fixture = try RuntimeFixture()
        let client = fixture.client()
        let call = Task { try await client.call("echo.sleep", params: ["milliseconds": 30_000]) }
        try await Task.sleep(for: .milliseconds(100))
        call.cancel()

        do {
            _ = try await call.value
            Issue.record("a cancelled call returned a result")
        } catch let error as RPCError {
            #expect(error.status == .cancelled)
        }
        #expect(try await client.call("rpc.ping") == "pong")
    }
}
