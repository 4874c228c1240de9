import MeshRuntime
import MeshTransport
import Testing

/// A stopped loop without other references must be freed, or every closed client keeps an epoll and an
/// eventfd descriptor open until the process runs out of them.
@Suite struct EventLoopLifetimeTests {
    @Test func stoppedLoopIsFreed() async throws {
        weak var released: EventLoop?
        do {
            let loop = try EventLoop(name: "lifetime")
            loop.start()
            loop.stop()
            released = loop
        }

        try await Self.waitUntilFreed { released == nil }

        #expect(released == nil)
    }

    @Test func loopWithClosedClientIsFreed() async throws {
        let fixture = try RuntimeFixture()
        weak var released: EventLoop?
        do {
            let loop = try EventLoop(name: "lifetime-client")
            loop.start()
            let client = RPCClient(path: fixture.socketPath, loop: loop)
            #expect(try await client.call("rpc.ping") == "pong")
            client.close()
            loop.stop()
            released = loop
        }

        try await Self.waitUntilFreed { released == nil }

        #expect(released == nil)
    }

    @Test func callOnStoppedLoopFailsAtOnce() async throws {
        let fixture = try RuntimeFixture()
        let loop = try EventLoop(name: "stopped")
        loop.start()
        let client = RPCClient(path: fixture.socketPath, loop: loop)
        loop.stop()

        do {
            _ = try await client.call("rpc.ping")
            Issue.record("a call on a stopped loop succeeded")
        } catch {
            #expect(error.status == .unavailable)
            #expect(error.message.contains("has stopped"))
        }

        // Closing after the loop stopped runs on this thread instead of waiting for the loop.
        client.close()
        #expect(loop.runAndWait { 42 } == 42)
    }

    /// Waits up to two seconds, because Foundation frees a finished thread, and the closure that keeps
    /// the loop, shortly after the thread ends.
    private static func waitUntilFreed(_ freed: () -> Bool) async throws {
        for _ in 0..<200 where !freed() {
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
