import Foundation
import MeshProtocol
import MeshRuntime
import MeshTransport
import Testing

/// How the client fails a call, and what its errors tell the caller to do.
@Suite struct RPCClientFailureTests {
    @Test func oversizeRequestFailsAlone() async throws {
        let fixture = try RuntimeFixture()
        let client = fixture.client()
        let slow = Task { try await client.call("echo.sleep", params: ["milliseconds": 300]) }
        try await Task.sleep(for: .milliseconds(50))

        let big = String(repeating: "x", count: 1 << 20)
        do {
            _ = try await client.call("echo.say", params: ["text": .string(big)])
            Issue.record("a request over the frame limit was sent")
        } catch {
            #expect(error.status == .invalidRequest)
            #expect(!error.retryable)
            #expect(error.message.contains("not sent"))
            #expect(error.details?["limit"]?.intValue == 1 << 20)
        }

        // The call already in flight and later ones go on over the same connection.
        #expect(try await slow.value["text"] == "slept 300")
        #expect(try await client.call("rpc.ping") == "pong")
    }

    @Test func hugeTimeoutIsAccepted() async throws {
        let fixture = try RuntimeFixture()
        var meta = RequestMeta()
        meta.setBudget(.seconds(Int64.max))

        let reply = try await fixture.client().call("rpc.ping", meta: meta, timeout: .seconds(Int64.max))

        #expect(reply == "pong")
    }

    @Test func clientTimeoutNamesItsWait() async throws {
        let fixture = try RuntimeFixture()

        do {
            _ = try await fixture.client().call(
                "echo.sleep", params: ["milliseconds": 5_000], timeout: .milliseconds(100))
            Issue.record("a call outlived its timeout")
        } catch {
            #expect(error.status == .deadlineExceeded)
            #expect(error.message.contains("no reply from echo arrived within 100 ms"))
        }
    }

    @Test func queuedCallsFailWithoutBeingSent() async throws {
        let fixture = try RuntimeFixture()
        var options = RPCClient.Options()
        options.maximumInFlight = 1
        let client = RPCClient(path: fixture.socketPath, loop: fixture.clientLoop, options: options)

        let slow = Task {
            await Self.failure { () async throws(RPCError) in
                _ = try await client.call("echo.sleep", params: ["milliseconds": 30_000])
            }
        }
        try await Self.waitUntil { client.callCounts().sent == 1 }
        var meta = RequestMeta()
        meta.setBudget(.milliseconds(100))
        let expired = Task {
            await Self.failure { () async throws(RPCError) in
                _ = try await client.call("echo.note", params: ["text": "late"], meta: meta, timeout: .seconds(20))
            }
        }
        let cancelled = Task {
            await Self.failure { () async throws(RPCError) in
                _ = try await client.call("echo.note", params: ["text": "cancelled"], timeout: .seconds(20))
            }
        }
        try await Self.waitUntil { client.callCounts().queued == 2 }
        cancelled.cancel()

        let cancelError = await cancelled.value
        #expect(cancelError?.status == .cancelled)
        #expect(cancelError?.message.contains("before it was sent, so it did not run") == true)

        // Once the slow call is cancelled and its reply arrives, the budget of the other queued call is spent.
        try await Task.sleep(for: .milliseconds(200))
        slow.cancel()
        #expect(await slow.value?.status == .cancelled)
        let expiredError = await expired.value
        #expect(expiredError?.status == .deadlineExceeded)
        #expect(expiredError?.message.contains("ran out while it waited in this client's queue") == true)
        #expect(try fixture.host.store.readSync { try $0.scalarInt("SELECT count(*) FROM notes") } == 0)
    }

    /// A request over the server's frame limit (the client was given a larger one) makes the server
    /// close the connection. The calls already sent may have run, so their outcome is unknown, while the
    /// oversized one was not read and fails for its size.
    @Test func framingErrorLeavesSentCallsUnknown() async throws {
        var limits = ServerLimits()
        limits.maximumFrameBytes = 65_536
        let fixture = try RuntimeFixture(limits: limits)
        var options = RPCClient.Options()
        options.maximumRequestBytes = 1 << 20
        let client = RPCClient(path: fixture.socketPath, loop: fixture.clientLoop, options: options)

        let slow = Task {
            await Self.failure { () async throws(RPCError) in
                _ = try await client.call("echo.sleep", params: ["milliseconds": 30_000])
            }
        }
        try await Self.waitUntil { client.callCounts().sent == 1 }
        let big = await Self.failure { () async throws(RPCError) in
            _ = try await client.call("echo.say", params: ["text": .string(String(repeating: "x", count: 100_000))])
        }

        let slowError = await slow.value
        #expect(slowError?.status == .unavailable)
        #expect(slowError?.details?["cause"] == "INVALID_REQUEST")
        #expect(slowError?.retryable == true)
        #expect(slowError?.message.contains("may or may not have been applied") == true)
        #expect(big?.status == .invalidRequest)
        #expect(big?.retryable == false)
    }

    @Test func closeTellsSentFromUnsent() async throws {
        let fixture = try RuntimeFixture()
        var options = RPCClient.Options()
        options.maximumInFlight = 1
        let client = RPCClient(path: fixture.socketPath, loop: fixture.clientLoop, options: options)

        let sent = Task {
            await Self.failure { () async throws(RPCError) in
                _ = try await client.call("echo.sleep", params: ["milliseconds": 30_000])
            }
        }
        try await Self.waitUntil { client.callCounts().sent == 1 }
        let unsent = Task {
            await Self.failure { () async throws(RPCError) in
                _ = try await client.call("echo.note", params: ["text": "never sent"])
            }
        }
        try await Self.waitUntil { client.callCounts().queued == 1 }
        client.close()

        let sentError = await sent.value
        #expect(sentError?.status == .unavailable)
        #expect(sentError?.message.contains("may or may not have been applied") == true)
        #expect(sentError?.retryable == false)
        #expect(sentError?.details?["service"] == .string(EchoService.name))
        #expect(sentError?.message.contains(fixture.socketPath) == false)
        let unsentError = await unsent.value
        #expect(unsentError?.status == .unavailable)
        #expect(unsentError?.message.contains("before the call was sent, so it was not applied") == true)
    }

    /// Polls `condition` until it holds, for up to 30 seconds, because the whole suite shares two cores.
    static func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while !condition() {
            try #require(ContinuousClock.now < deadline, "the client did not reach the expected state")
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test func emptySocketPathIsInvalid() async throws {
        let loop = try EventLoop(name: "empty-path")
        loop.start()
        defer { loop.stop() }

        do {
            _ = try await RPCClient(path: "", loop: loop).call("rpc.ping")
            Issue.record("a call on an empty socket path succeeded")
        } catch {
            #expect(error.status == .invalidArgument)
            #expect(!error.retryable)
            #expect(error.message.contains("socket path is empty"))
        }
    }

    @Test func tooLongSocketPathIsInvalid() async throws {
        let loop = try EventLoop(name: "long-path")
        loop.start()
        defer { loop.stop() }
        let path = "/tmp/" + String(repeating: "d", count: 200) + "/gateway.sock"

        do {
            _ = try await RPCClient(path: path, loop: loop).call("rpc.ping")
            Issue.record("a call on a too long socket path succeeded")
        } catch {
            #expect(error.status == .invalidArgument)
            #expect(!error.retryable)
            #expect(error.retryAfterMs == nil)
        }
    }

    /// Runs `body` and returns the error it threw, or nil when it succeeded.
    private static func failure(_ body: () async throws(RPCError) -> Void) async -> RPCError? {
        do throws(RPCError) {
            try await body()
            return nil
        } catch {
            return error
        }
    }
}
