import Foundation
import MeshTesting
import Testing

/// Runs the standard-library Python client's checks against a real mesh. The client is written from
/// protocol/SPEC.md alone, so a pass shows that the specification is enough to talk to the gateway.
@Suite(.serialized)
struct PythonClientTests {
    /// The package root, three levels above this file (Tests/IntegrationTests/<file>).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    static let script = packageRoot.appendingPathComponent("protocol/clients/python/test_client.py").path

    @Test func pythonClientChecksPass() async throws {
        guard let python = Self.findExecutable("python3") else {
            Issue.record(
                "python3 is not on PATH, so the Python client could not be checked; install python3 3.8 or later")
            return
        }
        #expect(FileManager.default.fileExists(atPath: Self.script), "missing \(Self.script)")

        let cluster = try await MeshCluster()
        let outputPath = cluster.home.root + "/python-client.log"
        let status = try await Self.run(
            python,
            arguments: [Self.script, "-v"],
            environment: [
                "MESH_HOME": cluster.home.root,
                "MESH_GATEWAY_SOCKET": cluster.gatewaySocket,
                // Keep __pycache__ out of the source tree.
                "PYTHONDONTWRITEBYTECODE": "1",
            ],
            outputPath: outputPath
        )

        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "(no output)"
        #expect(status == 0, "test_client.py exited with \(status):\n\(output)")
        #expect(output.contains("OK"), "test_client.py did not report OK:\n\(output)")
    }

    /// A gateway at its connection limit refuses with an error frame and closes. The Python client
    /// reports that refusal, whether its first write went out before the close or failed after it.
    @Test func pythonClientReportsARefusal() async throws {
        let cluster = try await MeshCluster(variables: ["MESH_MAX_CONNECTIONS": "4"])
        let script = """
            import socket, sys, time
            sys.path.insert(0, sys.argv[2])
            import tenantmesh
            occupants = []
            for _ in range(4):
                s = socket.socket(socket.AF_UNIX)
                s.connect(sys.argv[1])
                occupants.append(s)
            time.sleep(0.3)
            for attempt in range(5):
                client = tenantmesh.Client(sys.argv[1])
                time.sleep(0.05 * attempt)  # later attempts write after the gateway closed
                try:
                    client.call("rpc.ping")
                    print("served")
                except tenantmesh.MeshError as error:
                    print(error.status, error.message)
                client.close()
            """

        guard let (status, output) = try await Self.runScript(script, on: cluster, log: "python-refusal.log") else {
            return
        }

        let lines = output.split(separator: "\n").filter { !$0.isEmpty }
        #expect(status == 0, "\(output)")
        #expect(lines.count == 5, "\(output)")
        #expect(lines.allSatisfy { $0.hasPrefix("UNAVAILABLE") }, "\(output)")
        #expect(lines.allSatisfy { $0.contains("too many connections (limit 4)") }, "\(output)")
    }

    /// A Python client that does not know the mesh's shorter idle timeout still recovers after each
    /// idle close: the next call opens a new connection, since no call was cut off.
    @Test func pythonClientRecoversFromIdleClose() async throws {
        let cluster = try await MeshCluster(variables: ["MESH_IDLE_TIMEOUT_MS": "1000"])
        let script = """
            import sys, time
            sys.path.insert(0, sys.argv[2])
            import tenantmesh
            client = tenantmesh.Client(sys.argv[1], idle_timeout_ms=300000)
            for _ in range(2):
                print(client.call("rpc.ping"))
                time.sleep(2.5)  # the server closes the quiet connection within 2 s
            print(client.call("rpc.ping"), client.connections_opened)
            client.close()
            """

        guard let (status, output) = try await Self.runScript(script, on: cluster, log: "python-idle.log") else {
            return
        }

        #expect(status == 0, "\(output)")
        #expect(output.split(separator: "\n") == ["pong", "pong", "pong 3"], "\(output)")
    }

    /// Runs `script` with python3 against the cluster's gateway socket (its first argument) and the
    /// client's folder (its second), and returns its exit status and output. Returns nil, recording an
    /// issue, when python3 is missing.
    static func runScript(_ script: String, on cluster: MeshCluster, log name: String) async throws -> (
        status: Int32, output: String
    )? {
        guard let python = findExecutable("python3") else {
            Issue.record(
                "python3 is not on PATH, so the Python client could not be checked; install python3 3.8 or later")
            return nil
        }
        let outputPath = cluster.home.root + "/" + name
        let status = try await run(
            python,
            arguments: ["-c", script, cluster.gatewaySocket, packageRoot.path + "/protocol/clients/python"],
            environment: ["PYTHONDONTWRITEBYTECODE": "1"], outputPath: outputPath)
        return (status, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "(no output)")
    }

    /// Returns the first executable named `name` in PATH, or nil when there is none.
    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = String(directory) + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }

    /// Runs a program with stdout and stderr in `outputPath` and returns its exit status. A run
    /// that has not ended after `limit` is terminated, so a hung script fails the test instead of
    /// stalling it.
    static func run(
        _ executable: String,
        arguments: [String],
        environment: [String: String],
        outputPath: String,
        limit: Duration = .seconds(180)
    ) async throws -> Int32 {
        // posix_spawn has no working directory of its own here, so a shell changes to the package root
        // first. Foundation's Process.run() crashed the test process now and then, so it is not used.
        let process = try SpawnedProcess(
            executable: "/bin/sh",
            arguments: ["-c", #"cd "$0" && exec "$@""#, packageRoot.path, executable] + arguments,
            outputPath: outputPath,
            variables: environment
        )

        let deadline = ContinuousClock.now + limit
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                process.signal(SIGKILL)
                Issue.record(
                    "\(executable) \(arguments.joined(separator: " ")) ran longer than \(limit) and was terminated")
                return -1
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.exitStatus ?? -1
    }
}
