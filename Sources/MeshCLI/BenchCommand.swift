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
    static func run(_ raw: [String]) async throws -> Int32 {
        let arguments = try CommandLineArguments(raw, valued: ["seconds", "connections"])
        let seconds = Double(arguments.option("seconds") ?? "3") ?? 3
        let connections = (arguments.option("connections") ?? "1,8,32").split(separator: ",").compactMap { Int($0) }
        guard seconds > 0, !connections.isEmpty else {
            throw UsageError("--seconds must be positive and --connections a list like 1,8,32")
        }

        let runner = try BenchRunner(seconds: seconds)
        defer { runner.stop() }
        try await runner.prepare()
        let report = try await runner.measure(connections: connections)
        Terminal.print(report)
        return 0
    }
}
