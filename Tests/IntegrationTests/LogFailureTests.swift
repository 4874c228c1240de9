import Foundation
import MeshRuntime
import MeshTesting
import Testing

/// Logs that cannot be written (a full disk, `2>/dev/full`) never stop a process of the mesh.
@Suite(.serialized)
struct LogFailureTests {
    let home = MeshHome(root: "/tmp/mt-full-" + String(UInt64.random(in: 0...UInt64.max), radix: 36))

    private func health(_ process: String) async -> String? {
        try? await MeshProbe.health(home.socketPath(process))
    }

    private func waitUntilServing(_ process: String, _ command: MeshCommandProcess) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while await health(process) != "SERVING" {
            try #require(command.process.isRunning, "exited with \(command.process.exitStatus ?? -1) while starting")
            try #require(ContinuousClock.now < deadline, "\(process) did not report SERVING within 60 s")
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Returns whether the process ignores SIGPIPE, from the SigIgn mask in /proc.
    private func ignoresSIGPIPE(_ pid: Int32) throws -> Bool {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("SigIgn:") })
        let mask = try #require(UInt64(line.dropFirst("SigIgn:".count).trimmingCharacters(in: .whitespaces), radix: 16))
        return mask & (1 << (UInt64(SIGPIPE) - 1)) != 0
    }

    @Test func serveOnFullDeviceKeepsServing() async throws {
        try home.prepare()
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        let serve = try MeshCommandProcess(
            ["serve", "billing", "--home", home.root, "--log-level", "trace"], outputPath: "/dev/full")

        try await waitUntilServing("billing", serve)
        // Each call logs lines at trace level, and none of them can be written.
        for _ in 0..<20 {
            #expect(await health("billing") == "SERVING")
        }

        #expect(serve.process.isRunning)
        #expect(try ignoresSIGPIPE(serve.process.pid))
        #expect(try await serve.stop() == 0)
    }

    @Test func supervisorOnFullDeviceRestartsProcesses() async throws {
        try home.prepare()
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        let up = try MeshCommandProcess(["up", "--test-clock", "--home", home.root], outputPath: "/dev/full")

        try await waitUntilServing("gateway", up)
        let billing = try #require(home.recordedPID("billing"))
        kill(billing, SIGKILL)
        // The supervisor logs the exit and the restart, both lost, and goes on.
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            try #require(up.process.isRunning, "mesh up exited with \(up.process.exitStatus ?? -1)")
            if home.recordedPID("billing") != billing, await health("billing") == "SERVING" {
                break
            }
            try #require(ContinuousClock.now < deadline, "billing was not restarted within 30 s")
            try await Task.sleep(for: .milliseconds(100))
        }

        for name in ["tenancy", "billing", "analytics", "notification", "gateway"] {
            #expect(try ignoresSIGPIPE(try #require(home.recordedPID(name))), "\(name) does not ignore SIGPIPE")
        }
        #expect(try ignoresSIGPIPE(up.process.pid))
        #expect(try await up.stop() == 0)
    }
}
