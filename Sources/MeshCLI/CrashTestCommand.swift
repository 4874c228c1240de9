import Foundation
import MeshRuntime

/// `mesh crashtest`: checks that no acknowledged write is lost or applied twice when processes die.
///
/// It starts a mesh in a fresh home and runs concurrent writers through the gateway (provisioning, user
/// invitations, issue creation). Meanwhile it kills one process after another with SIGKILL, the gateway
/// included, and the supervisor restarts each. Then it waits for the outboxes to drain and checks every
/// acknowledged write and its events. The last line reads
/// `acknowledged writes=N crashes=K lost=X duplicated=Y`, and the exit status is 0 only when X and Y are 0.
enum CrashTestCommand {
    static func run(_ raw: [String]) async throws -> Int32 {
        let arguments = try CommandLineArguments(raw, valued: ["seconds", "crashes", "seed", "home"])
        try arguments.allowPositional(atMost: 0, command: "crashtest")
        let seconds = try number(arguments, "seconds", default: 15, range: 1...3600)
        let crashes = try number(arguments, "crashes", default: 5, range: 0...1000)
        let seed =
            try arguments.option("seed").map { text in
                guard let value = UInt64(text) else {
                    throw UsageError("--seed '\(text)' is not a whole number from 0 to \(UInt64.max)")
                }
                return value
            } ?? UInt64.random(in: 0...UInt64(UInt32.max))

        let (home, chosen) = try freshHome(arguments.option("home"))
        let runner = try CrashTestRunner(
            settings: CrashTestRunner.Settings(seconds: seconds, crashes: crashes, seed: seed, home: home)
        )
        let report: CrashTestReport
        do {
            report = try await runner.run()
        } catch {
            Terminal.error("crash test could not finish: \(error)\nthe mesh home is kept for inspection: \(home.root)")
            return 1
        }

        for finding in report.findings {
            Terminal.print("   " + finding)
        }
        Terminal.print(report.summary)
        if report.passed {
            if !chosen {
                try? FileManager.default.removeItem(atPath: home.root)
            }
            return 0
        }
        Terminal.error(
            "lost or duplicated writes found; the mesh home is kept for inspection: \(home.root) (rerun with --seed \(seed))"
        )
        return 1
    }

    /// The home to run in: `--home DIR` when given (it must not exist or be empty, and is kept),
    /// else a new folder under /tmp that is removed after a passing run. Returns whether it was chosen.
    private static func freshHome(_ path: String?) throws -> (MeshHome, Bool) {
        guard let path else {
            return (MeshHome(root: "/tmp/mesh-crash-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)), false)
        }
        let home = MeshHome(root: path)
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: home.root)) ?? []
        guard contents.isEmpty else {
            throw UsageError(
                "--home \(home.root) is not empty; the crash test needs a fresh mesh home, so name a new folder")
        }
        return (home, true)
    }

    private static func number(
        _ arguments: CommandLineArguments,
        _ name: String,
        default value: Int,
        range: ClosedRange<Int>
    ) throws -> Int {
        guard let text = arguments.option(name) else {
            return value
        }
        guard let parsed = Int(text), range.contains(parsed) else {
            throw UsageError(
                "--\(name) '\(text)' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return parsed
    }
}
