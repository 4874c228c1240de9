import Foundation
import MeshTesting
import Testing

/// Runs the real `mesh crashtest`: a write load through the gateway while each of the five processes is
/// killed with SIGKILL and restarted by the supervisor, then a check of every acknowledged write.
@Suite(.serialized)
struct CrashDurabilityTests {
    @Test func killedProcessesLoseAndDuplicateNothing() async throws {
        let home = "/tmp/mt-crash-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        defer { try? FileManager.default.removeItem(atPath: home) }

        let run = try await Self.crashtest(["--seconds", "15", "--crashes", "5", "--home", home])
        let summary = try #require(
            Self.summary(in: run.output), "mesh crashtest printed no summary line:\n\(run.output)"
        )

        #expect(run.status == 0, "mesh crashtest exited with \(run.status):\n\(run.output)")
        #expect(summary["lost"] == 0, "\(run.output)")
        #expect(summary["duplicated"] == 0, "\(run.output)")
        #expect((summary["crashes"] ?? 0) >= 5)
        #expect((summary["writes"] ?? 0) > 0)
        for process in ["tenancy", "billing", "analytics", "notification", "gateway"] {
            #expect(run.output.contains("kill -9 \(process) ("), "\(process) was never killed:\n\(run.output)")
        }
    }

    @Test func refusesAHomeThatIsNotEmpty() async throws {
        let home = "/tmp/mt-crash-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: home + "/leftover", contents: Data("x".utf8))
        defer { try? FileManager.default.removeItem(atPath: home) }

        let run = try await Self.crashtest(["--seconds", "1", "--home", home])
        #expect(run.status == 64)
        #expect(run.output.contains("is not empty"))
    }

    /// Returns the numbers of the line `acknowledged writes=N crashes=K lost=X duplicated=Y` by name, or nil
    /// when the output has no such line.
    static func summary(in output: String) -> [String: Int]? {
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("acknowledged writes=") }) else {
            return nil
        }
        var values: [String: Int] = [:]
        for field in line.split(separator: " ") {
            let parts = field.split(separator: "=")
            if parts.count == 2, let number = Int(parts[1]) {
                values[String(parts[0])] = number
            }
        }
        return values
    }

    /// Runs `mesh crashtest` with `arguments` and returns its exit status and its combined output.
    static func crashtest(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let outputPath = NSTemporaryDirectory() + "crashtest-" + UUID().uuidString + ".log"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let process = try SpawnedProcess(
            executable: try MeshCluster.meshBinary(), arguments: ["crashtest"] + arguments, outputPath: outputPath)
        let status = try await onOwnThread {
            process.waitUntilExit()
            return process.exitStatus ?? -1
        }
        return (status, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
    }
}
