import Foundation
import MeshRuntime
import MeshTesting
import Testing

/// `mesh up` with MESH_WATCH_PID stops when that process exits.
@Suite struct OwnerWatchTests {
    @Test func meshStopsWhenItsOwnerExits() async throws {
        let scratch = try TemporaryHome("mt-owner")
        // The owner also ends with this test process, so a test run that crashes leaves no mesh behind.
        let owner = try SpawnedProcess(
            executable: "/bin/sh", arguments: ["-c", "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done"],
            outputPath: "/dev/null")
        defer { owner.signal(SIGKILL) }
        let up = try MeshCommandProcess(
            ["up", "--test-clock", "--home", scratch.home.root], variables: ["MESH_WATCH_PID": "\(owner.pid)"],
            outputPath: scratch.home.root + "/up.out")

        let deadline = ContinuousClock.now + .seconds(60)
        while !up.output.contains("mesh is up") {
            try #require(up.process.isRunning, "mesh up exited: \(up.output)")
            try #require(ContinuousClock.now < deadline, "mesh up did not start: \(up.output)")
            try await Task.sleep(for: .milliseconds(100))
        }
        owner.signal(SIGKILL)

        #expect(try await up.exitStatus(within: .seconds(60)) == 0)
        #expect(up.output.contains("mesh stopped"))
    }

    @Test func ownerThatIsNotRunningIsRejected() async throws {
        let scratch = try TemporaryHome("mt-owner")
        let up = try MeshCommandProcess(
            ["up", "--test-clock", "--home", scratch.home.root], variables: ["MESH_WATCH_PID": "not-a-pid"],
            outputPath: scratch.home.root + "/up.out")

        #expect(try await up.exitStatus(within: .seconds(60)) == 1)
        #expect(up.output.contains("MESH_WATCH_PID is 'not-a-pid', which is not the pid of a running process"))
    }
}
