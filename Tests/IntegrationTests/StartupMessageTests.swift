import Foundation
import MeshTesting
import Testing

/// What the real `mesh` prints when it cannot start, and which home it picks.
@Suite struct StartupMessageTests {
    @Test func badVariableHasNoStatusName() async throws {
        let home = "/tmp/mt-start-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let serve = try MeshCommandProcess(
            ["serve", "billing", "--home", home], variables: ["MESH_MAX_FRAME_BYTES": "abc"])
        defer { serve.removeOutput() }

        #expect(try await serve.exitStatus() == 1)
        #expect(
            serve.output.contains(
                #" error billing: service.start_failed error="MESH_MAX_FRAME_BYTES is 'abc', not a whole number "#
                    + "from 65536 to 67108864; fix or unset it\""),
            "\(serve.output)")
        #expect(!serve.output.contains("INVALID_ARGUMENT"))
    }

    @Test func emptyMeshHomeMeansTheDefault() async throws {
        let status = try MeshCommandProcess(["status"], variables: ["MESH_HOME": ""])
        defer { status.removeOutput() }

        _ = try await status.exitStatus()

        #expect(status.output.hasPrefix("mesh home: \(FileManager.default.currentDirectoryPath)/.mesh\n"))
    }
}
