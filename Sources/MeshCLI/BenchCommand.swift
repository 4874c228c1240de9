import Foundation
import MeshClient
import MeshProtocol
import MeshRuntime
import MeshStore

/// `mesh bench`: measures the protocol against a C ping-pong server of the same frame format.
///
/// One C load client (MeshBenchC) drives every target, so client cost is the same in every row. It
/// starts a mesh in a temporary home, provisions a Platinum company, then measures, at 1, 8 and 32
/// connections: the C server, `rpc.ping` straight to a service, `rpc.ping` through the gateway
/// (two hops), and `issues.create` through the gateway (a committed write), plus sequential
/// single-row SQLite commits with synchronous=FULL on the same disk and each process's resident memory.
enum BenchCommand {
    #if DEBUG
        static let buildKind = "debug"
    #else
        static let buildKind = "release"
    #endif

    static func run(_ raw: [String]) async throws -> Int32 {
        let arguments = try CommandLineArguments(raw, valued: ["seconds", "connections"])
        try arguments.allowPositional(atMost: 0, command: "bench")
        let secondsText = arguments.option("seconds") ?? "3"
        guard let seconds = Double(secondsText), seconds > 0, seconds.isFinite else {
            throw UsageError("--seconds must be a positive number of seconds, not '\(secondsText)'")
        }
        let connectionsText = arguments.option("connections") ?? "1,8,32"
        let parts = connectionsText.split(separator: ",", omittingEmptySubsequences: false)
        let counts = parts.compactMap { Int($0) }.filter { (1...1000).contains($0) }
        guard counts.count == parts.count else {
            throw UsageError(
                "--connections must be a comma-separated list of counts from 1 to 1000, like 1,8,32, not '\(connectionsText)'"
            )
        }

        let runner = try BenchRunner(seconds: seconds)
        defer { runner.stop() }
        try await runner.prepare()
        let report = try await runner.measure(connections: counts)
        Terminal.print(
            "mesh bench: \(secondsText) s per target at \(counts.map(String.init).joined(separator: ",")) connections, "
                + "\(UTCTime.iso8601(milliseconds: MeshClock.system.nowMs())), \(buildKind) build\n")
        Terminal.print(report)
        return 0
    }
}
