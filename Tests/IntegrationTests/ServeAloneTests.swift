import Foundation
import MeshClient
import MeshRuntime
import MeshTesting
import Testing

/// One service served alone with `mesh serve`, as a developer tests it: on the test clock, called
/// as root from the CLI and from Swift, with no gateway in the home.
@Suite struct ServeAloneTests {
    @Test func billingAloneRunsOnTheTestClock() async throws {
        let home = MeshHome(root: "/tmp/sa-" + String(UInt64.random(in: 0...UInt64.max), radix: 36))
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        let serve = try MeshCommandProcess(["serve", "billing", "--home", home.root, "--test-clock"])
        defer { serve.removeOutput() }

        let client = try MeshClient.service(socketPath: home.socketPath("billing"))
        var overview: JSONValue?
        for _ in 0..<200 where overview == nil {
            overview = try? await client.call("billing.overview")
            if overview == nil {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let viaCLI = try await runToEnd([
            try MeshCluster.meshBinary(), "call", "--process", "billing", "billing.overview", "--home", home.root,
        ])
        let advanced = try await runToEnd([try MeshCluster.meshBinary(), "clock", "advance", "1d", "--home", home.root])
        _ = try await serve.stop()

        #expect(overview?["active_subscriptions"] == 0, "\(String(describing: overview)) \(serve.output)")
        #expect(viaCLI.status == 0, "\(viaCLI.output)")
        #expect(advanced.status == 0, "\(advanced.output)")
        #expect(advanced.output.contains("test clock"), "\(advanced.output)")
        #expect(!FileManager.default.fileExists(atPath: home.rootKeyPath), "no gateway ran, so no root key exists")
    }

    @Test func damagedClockFileStopsTheStart() async throws {
        let home = MeshHome(root: "/tmp/sa-" + String(UInt64.random(in: 0...UInt64.max), radix: 36))
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        try home.prepare()
        try "2026-01-01T00:00:00Z\n".write(toFile: home.clockPath, atomically: true, encoding: .utf8)

        let serve = try MeshCommandProcess(["serve", "billing", "--home", home.root])
        defer { serve.removeOutput() }
        let status = try await serve.exitStatus()
        let clockShow = try await runToEnd([try MeshCluster.meshBinary(), "clock", "show", "--home", home.root])

        #expect(status == 1)
        #expect(
            serve.output.contains("contains '2026-01-01T00:00:00Z', not milliseconds since the epoch"),
            "\(serve.output)")
        #expect(clockShow.status != 0)
        #expect(clockShow.output.contains("mesh clock set"), "\(clockShow.output)")
    }
}
