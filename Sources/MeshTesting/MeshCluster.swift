import Foundation
import MeshProtocol
import MeshRuntime

/// A whole mesh started with `mesh up --test-clock` in a temporary home, for integration tests.
///
/// It runs the real `mesh` executable built next to the test bundle (or the one named by
/// `MESH_BINARY`), so every process, socket and database is the real one.
public final class MeshCluster: Sendable {
    public let home: MeshHome
    private let supervisor: SpawnedProcess

    /// Starts a mesh, with `variables` added to its environment, and waits until every process reports
    /// SERVING. With `root`, the mesh runs on that home (a restored one, say), which is removed when the
    /// cluster ends, like a new one.
    public init(root existing: String? = nil, variables: [String: String] = [:]) async throws {
        // A short root keeps socket paths well under the kernel's 107-byte limit.
        let root = existing ?? MeshCluster.newRoot()
        home = MeshHome(root: root)
        try home.prepare()

        supervisor = try SpawnedProcess(
            executable: try MeshCluster.meshBinary(),
            arguments: ["up", "--test-clock", "--home", root],
            outputPath: home.logPath("supervisor"),
            variables: ProcessTie.tiedToThisProcess(variables)
        )

        try await waitUntilUp()
    }

    deinit {
        // Waiting here would hold one of the test process's few cooperative threads while the mesh
        // shuts down, so a plain thread waits for the supervisor and then removes the home.
        let supervisor = self.supervisor
        supervisor.signal(SIGTERM)
        HomeRemoval.remove(home.root) {
            supervisor.waitUntilExit()
        }
    }

    /// Returns a path for a new home under /tmp, short enough for every socket path.
    public static func newRoot() -> String {
        "/tmp/mt-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
    }

    /// Finds the `mesh` executable: MESH_BINARY, or the one in the build folder of this test bundle.
    public static func meshBinary() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["MESH_BINARY"] {
            return explicit
        }
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("mesh").path
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
            directory = directory.deletingLastPathComponent()
        }
        throw RuntimeFailure("no mesh executable next to \(executable); run `swift build` first or set MESH_BINARY")
    }

    public var rootKey: String {
        get throws {
            try String(contentsOfFile: home.rootKeyPath, encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines)
        }
    }

    public var gatewaySocket: String { home.socketPath("gateway") }

    /// The pid of one of the mesh's processes, read from `run/<name>.pid`.
    public func pid(of process: String) -> Int32? {
        home.recordedPID(process)
    }

    /// Sends SIGKILL to one process; the supervisor restarts it.
    public func kill9(_ process: String) throws {
        guard let pid = pid(of: process) else {
            throw RuntimeFailure("no pid file for \(process)")
        }
        kill(pid, SIGKILL)
    }

    /// Waits until `process` runs under a pid other than `oldPID` and reports SERVING to rpc.health.
    public func waitForRestart(_ process: String, oldPID: Int32, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let pid = pid(of: process), pid != oldPID,
                FileManager.default.fileExists(atPath: home.socketPath(process))
            {
                if (try? await MeshProbe.health(home.socketPath(process))) == "SERVING" {
                    return
                }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw RuntimeFailure("\(process) was not restarted within \(timeout)")
    }

    /// Moves the shared test clock by `milliseconds`.
    public func advanceClock(milliseconds: Int64) throws {
        let now = home.clock().nowMs()
        try MeshClock.writeClockFile(home.clockPath, milliseconds: now + milliseconds)
    }

    /// The `.eml` files in the outbox.
    public func outboxFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: home.outboxDirectory)) ?? []).filter {
            $0.hasSuffix(".eml")
        }.sorted()
    }

    public func log(of process: String) -> String {
        (try? String(contentsOfFile: home.logPath(process), encoding: .utf8)) ?? ""
    }

    /// Stops the mesh with SIGTERM and waits for the supervisor to exit.
    public func stop() {
        guard supervisor.isRunning else {
            return
        }
        supervisor.signal(SIGTERM)
        supervisor.waitUntilExit()
    }

    public var supervisorExitStatus: Int32? {
        supervisor.exitStatus
    }

    private func waitUntilUp() async throws {
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            if !supervisor.isRunning {
                throw RuntimeFailure("mesh up exited with \(supervisor.exitStatus ?? -1): \(log(of: "supervisor"))")
            }
            if log(of: "supervisor").contains("mesh is up") {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw RuntimeFailure("the mesh did not come up within 90 s: \(log(of: "supervisor"))")
    }
}
