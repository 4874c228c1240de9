import Foundation
import MeshRuntime
import MeshTesting
import Testing

/// Two `mesh up` started at the same moment on one home: one runs the mesh, the other stops at once
/// and touches nothing of it.
@Suite(.serialized)
struct MeshUpLockTests {
    @Test func secondMeshUpOnOneHomeExits() async throws {
        let home = MeshHome(root: "/tmp/mt-lock-" + String(UInt64.random(in: 0...UInt64.max), radix: 36))
        try home.prepare()
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        let arguments = ["up", "--test-clock", "--home", home.root]
        let ups = try ["a", "b"].map {
            try MeshCommandProcess(arguments, outputPath: home.root + "/up-\($0).out")
        }
        defer {
            for up in ups {
                up.process.signal(SIGTERM)
            }
        }

        let deadline = ContinuousClock.now + .seconds(60)
        while ups.allSatisfy({ $0.process.isRunning }) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let loser = try #require(ups.first { !$0.process.isRunning }, "neither mesh up exited")
        let winner = try #require(ups.first { $0 !== loser })
        let winnerPID = winner.process.pid

        #expect(loser.process.exitStatus == 1)
        #expect(
            loser.output.contains(
                "mesh up: a mesh is already running in \(home.root) (supervisor pid \(winnerPID)); stop it first "
                    + "(Ctrl-C in its terminal, or kill \(winnerPID))"), "\(loser.output)")
        while !winner.output.contains("mesh is up") {
            try #require(winner.process.isRunning, "the remaining mesh up exited: \(winner.output)")
            try #require(ContinuousClock.now < deadline, "the remaining mesh up did not start: \(winner.output)")
            try await Task.sleep(for: .milliseconds(100))
        }

        #expect(home.recordedPID("supervisor") == winnerPID)
        for name in ["tenancy", "billing", "analytics", "notification", "gateway"] {
            let pid = try #require(home.recordedPID(name), "run/\(name).pid is missing")
            #expect(kill(pid, 0) == 0, "\(name) pid \(pid) does not run")
            #expect(try await MeshProbe.health(home.socketPath(name)) == "SERVING")
        }
        #expect(try await winner.stop() == 0)
    }
}
