import Foundation
import MeshTesting

/// Runs `command`, an executable's path and its arguments, to its end, started through the shared
/// launch lock, and returns its exit status and its output and errors together.
func runToEnd(_ command: [String]) async throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: command[0])
    process.arguments = Array(command.dropFirst())
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try ProcessLauncher.run(process)

    return try await onOwnThread {
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
