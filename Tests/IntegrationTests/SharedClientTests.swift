import Billing
import Foundation
import MeshClient
import MeshRuntime
import Testing

/// Clients made with `with(apiKey:)` share one connection and one event-loop thread.
@Suite struct SharedClientTests {
    @Test func derivedClientsShareOneConnection() async throws {
        let home = MeshHome(root: "/tmp/sh-" + String(UInt64.random(in: 0...UInt64.max), radix: 36))
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        let host = try ServiceHost(
            Billing.self, home: home, logger: Logger(label: "billing", level: .error, sink: .memory()))
        try host.start()
        defer { host.stop() }

        let first = try MeshClient(socketPath: home.socketPath("billing"), apiKey: nil)
        let others = (0..<20).map { first.with(apiKey: "tmk_\($0)") }
        for client in [first] + others {
            #expect(try await client.call("rpc.ping") == "pong")
        }

        #expect(host.loop.runAndWait { host.server.connectionCount } == 1)
        others[3].close()
        let closed = await #expect(throws: RPCError.self) { try await first.call("rpc.ping") }
        #expect(closed?.status == .unavailable)
        #expect(closed?.retryable == false)
    }
}
