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

    /// A `mesh serve` started by hand would reply in place of the process `mesh up` starts on the same socket.
    @Test func meshUpRefusesAProcessAlreadyServing() async throws {
        let home = MeshHome(root: "/tmp/mt-serve-" + String(UInt64.random(in: 0...UInt64.max), radix: 36))
        try home.prepare()
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        let serve = try MeshCommandProcess(["serve", "billing", "--home", home.root, "--test-clock"])
        defer { serve.process.signal(SIGTERM) }
        let deadline = ContinuousClock.now + .seconds(30)
        while (try? await MeshProbe.health(home.socketPath("billing"))) != "SERVING" {
            try #require(ContinuousClock.now < deadline, "mesh serve billing did not start: \(serve.output)")
            try await Task.sleep(for: .milliseconds(100))
        }

        let up = try MeshCommandProcess(["up", "--home", home.root])
        #expect(try await up.exitStatus(within: .seconds(60)) == 1)
        #expect(
            up.output.contains("another process already serves billing on \(home.socketPath("billing"))"),
            "\(up.output)")
        // The refusal changed nothing: the test clock of the running billing is still there.
        #expect(FileManager.default.fileExists(atPath: home.clockPath))
        #expect(try await serve.stop() == 0)
    }

    /// A folder or a FIFO where a pid file belongs is reported and left as it was.
    @Test func pidPathThatIsAFolderIsReported() async throws {
        let home = MeshHome(root: "/tmp/mt-pid-" + String(UInt64.random(in: 0...UInt64.max), radix: 36))
        try home.prepare()
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        let folder = home.runDirectory + "/tenancy.pid"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        chmod(folder, 0o700)
        // A FIFO would block a writer until something reads it.
        let fifo = home.runDirectory + "/billing.pid"
        try #require(mkfifo(fifo, 0o600) == 0)
        let up = try MeshCommandProcess(["up", "--home", home.root])
        defer { up.process.signal(SIGTERM) }
        try await Self.waitUntilUp(up)

        #expect(up.output.contains("supervisor.pid_file_failed error=\"it is not a regular file"), "\(up.output)")
        let mode = try FileManager.default.attributesOfItem(atPath: folder)[.posixPermissions] as? Int
        #expect(mode == 0o700)
        #expect(try await up.stop() == 0)
        #expect(FileManager.default.fileExists(atPath: fifo), "the FIFO was removed")
    }

    /// Closing the terminal sends SIGHUP, which stops the mesh as Ctrl-C does.
    @Test func hangUpStopsTheMesh() async throws {
        let home = MeshHome(root: "/tmp/mt-hup-" + String(UInt64.random(in: 0...UInt64.max), radix: 36))
        try home.prepare()
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        let up = try MeshCommandProcess(["up", "--home", home.root])
        defer { up.process.signal(SIGTERM) }
        try await Self.waitUntilUp(up)

        up.process.signal(SIGHUP)

        #expect(try await up.exitStatus(within: .seconds(60)) == 0)
        #expect(up.output.contains("mesh stopped"), "\(up.output)")
        #expect(home.recordedPID("billing") == nil)
    }

    /// Waits until `up` prints that the mesh is up, and fails when it exits first or takes a minute.
    static func waitUntilUp(_ up: MeshCommandProcess) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while !up.output.contains("mesh is up") {
            try #require(up.process.isRunning && ContinuousClock.now < deadline, "mesh up did not start: \(up.output)")
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
