import Foundation
import MeshTesting

/// Runs `command`, an executable's path and its arguments, to its end and returns its exit status and
/// its output and errors together. It starts with `posix_spawn` (SpawnedProcess), because Foundation's
/// `Process.run()` crashed the test process now and then when many test threads were busy.
func runToEnd(_ command: [String]) async throws -> (status: Int32, output: String) {
    let outputPath = NSTemporaryDirectory() + "run-" + UUID().uuidString + ".out"
    defer { unlink(outputPath) }
    let process = try SpawnedProcess(
        executable: command[0], arguments: Array(command.dropFirst()), outputPath: outputPath)

    let status = try await onOwnThread {
        process.waitUntilExit()
        return process.exitStatus ?? -1
    }
    return (status, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
}
