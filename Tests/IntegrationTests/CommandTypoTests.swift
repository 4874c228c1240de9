import Foundation
import MeshTesting
import Testing

/// The `mesh` binary as a person at a terminal meets it: typos, control characters and the demo.
struct CommandTypoTests {
    /// Runs the `mesh` binary with `arguments` and returns its exit status and output.
    private func runMesh(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let outputPath = NSTemporaryDirectory() + "mesh-typo-" + UUID().uuidString
        defer { unlink(outputPath) }
        let status = try await PythonClientTests.run(
            try MeshCluster.meshBinary(), arguments: arguments, environment: [:], outputPath: outputPath,
            limit: .seconds(120))
        return (status, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
    }

    @Test func typoNamesTheCommand() async throws {
        let (status, output) = try await runMesh(["stauts"])

        #expect(status == 64)
        #expect(output.contains("unknown command 'stauts' (did you mean status?)"), "\(output)")
        // The short pointer to the help replaces the whole usage text.
        #expect(output.contains("run `mesh help`"), "\(output)")
        #expect(!output.contains("commands:"), "\(output)")
    }

    @Test func demoRunsAndPrintsItsKeys() async throws {
        let (status, output) = try await runMesh(["demo"])

        #expect(status == 0, "\(output)")
        // A printed request can be pasted into mesh call as it is, idempotency key included.
        #expect(output.contains("--idempotency-key demo-techstart-1"), "\(output)")
    }

    @Test func controlCharactersAreShownNotObeyed() async throws {
        let (status, output) = try await runMesh(["stat\u{1B}[31mus"])

        #expect(status == 64)
        #expect(output.contains("unknown command 'stat<U+001B>[31mus'"), "\(output)")
        #expect(!output.contains("\u{1B}"), "\(output)")
    }
}
