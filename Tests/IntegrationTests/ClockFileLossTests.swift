import Foundation
import MeshProtocol
import MeshRuntime
import MeshTesting
import Testing

/// A test clock file deleted while the mesh runs: a process that restarts meanwhile waits for it
/// instead of taking the system clock, and `mesh clock set` writes it back.
@Suite(.serialized)
struct ClockFileLossTests {
    @Test func restartedProcessWaitsForTheClock() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        // Thirty days ahead, far from the system clock.
        try cluster.advanceClock(milliseconds: 30 * 86_400_000)
        let testTime = cluster.home.clock().nowMs()
        let oldPID = try #require(cluster.pid(of: "analytics"))

        #expect(unlink(cluster.home.clockPath) == 0)
        try cluster.kill9("analytics")
        // The restarted process refuses to start while the file is missing.
        var startRejected = false
        for _ in 0..<100 where !startRejected {
            try await Task.sleep(for: .milliseconds(100))
            startRejected = cluster.log(of: "analytics").contains("is missing while mesh up --test-clock runs")
        }
        let outputPath = cluster.home.root + "/clock.out"
        let status = try await PythonClientTests.run(
            try MeshCluster.meshBinary(),
            arguments: ["clock", "set", "\(testTime)", "--home", cluster.home.root], environment: [:],
            outputPath: outputPath, limit: .seconds(60))
        try await cluster.waitForRestart("analytics", oldPID: oldPID)
        let overview = try await mesh.eventually { try await mesh.root.systemOverview() }

        #expect(startRejected)
        #expect(status == 0, "\((try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")")
        #expect(overview["as_of_ms"]?.intValue == testTime, "\(overview)")
    }
}
