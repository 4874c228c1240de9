import Foundation
import MeshProtocol
import MeshRuntime
import MeshTransport
import Testing

@Suite struct RPCClientTests {
    @Test func pendingQueueIsBounded() async throws {
        let fixture = try RuntimeFixture()
        var options = RPCClient.Options()
        options.maximumPending = 2
        let client = RPCClient(path: fixture.socketPath, loop: fixture.clientLoop, options: options)

        let slow = Task { try await client.call("echo.sleep", params: ["milliseconds": 1_000]) }
        let slower = Task { try await client.call("echo.sleep", params: ["milliseconds": 1_000]) }
        try await Task.sleep(for: .milliseconds(200))
        do {
            _ = try await client.call("rpc.ping")
            Issue.record("a call past the pending bound was queued")
        } catch {
            #expect(error.status == .resourceExhausted)
            #expect(error.retryable)
        }
        _ = try await slow.value
        _ = try await slower.value
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
