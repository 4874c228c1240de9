import Foundation
import MeshTesting
import Testing

/// A mistyped command of the `mesh` binary names the command it most likely meant.
struct CommandTypoTests {
    @Test func typoNamesTheCommand() async throws {
        let outputPath = NSTemporaryDirectory() + "mesh-typo-" + UUID().uuidString
        defer { unlink(outputPath) }

        let status = try await PythonClientTests.run(
            try MeshCluster.meshBinary(), arguments: ["stauts"], environment: [:], outputPath: outputPath,
            limit: .seconds(30))
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""

        #expect(status == 64)
        #expect(output.contains("unknown command 'stauts' (did you mean status?)"), "\(output)")
        // The short pointer to the help replaces the whole usage text.
        #expect(output.contains("run `mesh help`"), "\(output)")
        #expect(!output.contains("commands:"), "\(output)")
    }
}
