import Foundation
import MeshTesting

/// A `mesh` command run as a real process, its standard output and error appended to one file.
final class MeshCommandProcess: Sendable {
    let process: SpawnedProcess
    let outputPath: String
    /// Whether the output file is this object's own, in /tmp, and is removed with it.
    private let ownsOutput: Bool

    /// Starts `mesh` with `arguments`, with `variables` added to its environment. The output goes to
    /// `outputPath`, or to a new file in /tmp that is removed when this object goes away.
    init(_ arguments: [String], variables: [String: String] = [:], outputPath: String? = nil) throws {
        ownsOutput = outputPath == nil
        self.outputPath = outputPath ?? "/tmp/mesh-out-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        process = try SpawnedProcess(
            executable: try MeshCluster.meshBinary(),
            arguments: arguments,
            outputPath: self.outputPath,
            variables: ProcessTie.tiedToThisProcess(variables)
        )
    }

    deinit {
        // A test that fails before stopping its process must not leave it running with no home.
        process.signal(SIGTERM)
        if ownsOutput {
            unlink(outputPath)
        }
    }

    var output: String {
        (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    /// Waits, without holding a thread, until the process exits, and returns its exit status, or nil when
    /// it still runs after `timeout`.
    func exitStatus(within timeout: Duration = .seconds(30)) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.exitStatus
    }

    /// Sends SIGTERM and returns the exit status once the process has exited.
    func stop() async throws -> Int32? {
        process.signal(SIGTERM)
        return try await exitStatus(within: .seconds(60))
    }

    /// Removes the output file.
    func removeOutput() {
        unlink(outputPath)
    }
}
