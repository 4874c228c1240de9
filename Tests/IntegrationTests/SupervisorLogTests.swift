import Foundation
import MeshClient
import MeshProtocol
import MeshTesting
import Testing

/// The supervisor's handling of the logs/ folder while the mesh runs: rotation, a moved folder, and the
/// line it logs when a process dies.
@Suite(.serialized)
struct SupervisorLogTests {
    private func waitForLine(_ cluster: MeshCluster, _ process: String, containing text: String) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while !cluster.log(of: process).contains(text) {
            try #require(ContinuousClock.now < deadline, "\(process).log has no '\(text)' after 30 s")
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// What logrotate's `copytruncate` does: the file is emptied while billing keeps writing to it.
    @Test func truncatedLogGoesOnWithoutNULs() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        _ = try await mesh.provision("Rotated Logs", email: "ops@rotated.example", tier: "premium")
        // An invoice falls due a month later, and billing logs the pass that issued it.
        try cluster.advanceClock(milliseconds: 32 * 86_400_000)
        try await waitForLine(cluster, "billing", containing: "billing.cycle_ran")
        let pid = cluster.pid(of: "billing")

        try #require(truncate(cluster.home.logPath("billing"), 0) == 0)
        try cluster.advanceClock(milliseconds: 32 * 86_400_000)
        try await waitForLine(cluster, "billing", containing: "billing.cycle_ran")

        let bytes = try #require(FileManager.default.contents(atPath: cluster.home.logPath("billing")))
        #expect(!bytes.contains(0), "the truncated log holds NUL bytes")
        #expect(bytes.first.map { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } == true)
        #expect(
            cluster.pid(of: "billing") == pid, "billing restarted, so the test did not write through one descriptor")
    }

    @Test func movedLogFolderIsRecreated() async throws {
        let cluster = try await MeshCluster()
        let moved = cluster.home.root + "/logs.moved"
        try FileManager.default.moveItem(atPath: cluster.home.logDirectory, toPath: moved)
        let oldPID = try #require(cluster.pid(of: "billing"))

        try cluster.kill9("billing")
        try await cluster.waitForRestart("billing", oldPID: oldPID)

        #expect(cluster.log(of: "billing").contains("service.started"))
        // The supervisor's own output still goes to the file it was started with, now in the moved folder.
        let supervisor = try String(contentsOfFile: moved + "/supervisor.log", encoding: .utf8)
        #expect(!supervisor.contains("supervisor.restart_failed"))
        let exit = try #require(
            supervisor.split(separator: "\n").first { $0.contains("supervisor.process_exited process=billing") })
        #expect(exit.contains(" signal=KILL "), "\(exit)")
        #expect(!exit.contains(" status="), "\(exit)")
    }

    /// A process that dies and then cannot start again keeps failing; each exit line repeats why.
    @Test func failedRestartsGiveTheReason() async throws {
        let cluster = try await MeshCluster()
        let oldPID = try #require(cluster.pid(of: "billing"))
        let database = cluster.home.databasePath("billing")
        let garbage = database + ".garbage"
        try Data("garbage\n".utf8).write(to: URL(fileURLWithPath: garbage))
        for suffix in ["-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: database + suffix)
        }
        try #require(rename(garbage, database) == 0)

        try cluster.kill9("billing")
        let logPath = cluster.home.logDirectory + "/supervisor.log"
        let deadline = ContinuousClock.now + .seconds(30)
        var line: Substring?
        while line == nil && ContinuousClock.now < deadline {
            let supervisor = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            line = supervisor.split(separator: "\n").first {
                $0.contains("supervisor.process_exited process=billing") && $0.contains(" start_failed=")
            }
            try await Task.sleep(for: .milliseconds(100))
        }

        let exit = try #require(line, "no exit line of billing gives the reason it failed to start")
        #expect(exit.contains("is not a SQLite database"), "\(exit)")
        #expect(cluster.pid(of: "billing") != oldPID)
    }
}
