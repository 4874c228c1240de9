import Foundation
import MeshClient
import MeshProtocol
import MeshRuntime
import MeshStore

/// The moving parts of one `mesh bench` run: the mesh, the C server and the load client.
final class BenchRunner: @unchecked Sendable {
    struct Sample {
        let rps: Double
        let p50: Double
        let p99: Double
        let errors: Int
    }

    let seconds: Double
    let home: MeshHome
    private let mesh: MeshProcess
    private let cServer: Process
    private let loadClient: String
    private var ownerKey = ""
    private var companyID = ""

    init(seconds: Double) throws {
        self.seconds = seconds

        let directory = URL(
            fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0]
        )
        .deletingLastPathComponent()
        loadClient = directory.appendingPathComponent("MeshBenchC").path
        guard FileManager.default.isExecutableFile(atPath: loadClient) else {
            throw RuntimeFailure(
                "MeshBenchC is missing from \(directory.path), next to this mesh; build the release binaries with `swift build -c release --static-swift-stdlib` and run `.build/release/mesh bench`"
            )
        }

        home = MeshHome(root: "/tmp/mesh-bench-" + String(UInt32.random(in: 0...UInt32.max), radix: 36))
        try home.prepare()
        cServer = Process()
        cServer.executableURL = URL(fileURLWithPath: loadClient)
        cServer.arguments = ["serve", home.runDirectory + "/cping.sock"]
        do {
            try cServer.run()
            mesh = try MeshProcess.startUp(home: home)
        } catch {
            if cServer.isRunning {
                cServer.terminate()
                cServer.waitUntilExit()
            }
            try? FileManager.default.removeItem(atPath: home.root)
            throw error
        }
    }

    func stop() {
        mesh.stop()
        if cServer.isRunning {
            cServer.terminate()
            cServer.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: home.root)
    }

    /// Waits for the mesh, then provisions a Platinum company and signs in as its owner.
    func prepare() async throws {
        try await mesh.waitForGateway()
        let rootKey = try String(contentsOfFile: home.rootKeyPath, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let root = try MeshClient(socketPath: home.socketPath("gateway"), apiKey: rootKey)
        let company = try await root.provisionCompany(
            name: "Bench Corp", adminEmail: "bench@bench.example", adminName: "Bench", tier: "platinum",
            idempotencyKey: "bench-company")
        companyID = company["company"]?["company_id"]?.stringValue ?? ""

        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline && ownerKey.isEmpty {
            for file in (try? FileManager.default.contentsOfDirectory(atPath: home.outboxDirectory)) ?? [] {
                let text = (try? String(contentsOfFile: home.outboxDirectory + "/" + file, encoding: .utf8)) ?? ""
                if let range = text.range(of: #"tmi_[0-9a-f]{32}"#, options: .regularExpression) {
                    let accepted = try await root.with(apiKey: nil).acceptInvitation(token: String(text[range]))
                    ownerKey = accepted["api_key"]?.stringValue ?? ""
                }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        guard !ownerKey.isEmpty else {
            throw RuntimeFailure("the bench company's invitation never arrived")
        }
    }

    func measure(connections: [Int]) async throws -> String {
        let ping = #"{"jsonrpc":"2.0","id":0,"method":"rpc.ping"}"#
        let twoHops = #"{"jsonrpc":"2.0","id":0,"method":"rpc.ping","params":{"service":"billing"}}"#
        let write =
            #"{"jsonrpc":"2.0","id":0,"method":"issues.create","params":{"company_id":"\#(companyID)","title":"bench issue","type":"Task"},"meta":{"api_key":"\#(ownerKey)"}}"#

        let idle = memory()
        var lines: [String] = []
        lines.append("| target | connections | requests/s | p50 µs | p99 µs | rps / C | p50 / C | errors |")
        lines.append("|---|---|---|---|---|---|---|---|")
        var peak: [String: Int] = [:]
        for count in connections {
            Terminal.error("measuring at \(count) connections, \(seconds) s per target...")
            let baseline = try load(home.runDirectory + "/cping.sock", count, ping)
            lines.append(row("C ping-pong", count, baseline, baseline))
            let targets = [
                ("rpc.ping straight to billing", home.socketPath("billing"), ping),
                ("rpc.ping through the gateway", home.socketPath("gateway"), twoHops),
                ("issues.create through the gateway", home.socketPath("gateway"), write),
            ]
            for (name, socket, request) in targets {
                let sample = try load(socket, count, request)
                lines.append(row(name, count, sample, baseline))
                for (process, kilobytes) in memory() {
                    peak[process] = max(peak[process] ?? 0, kilobytes)
                }
            }
        }

        let commits = try sqliteCommitRate()
        lines.append("")
        lines.append(
            String(format: "Single-row SQLite commits, synchronous=FULL, one after another: %.0f commits/s", commits))
        lines.append("")
        lines.append("| process | idle RSS MiB | peak RSS MiB under load |")
        lines.append("|---|---|---|")
        for name in ProcessCatalog.startOrder {
            lines.append(
                String(
                    format: "| %@ | %.1f | %.1f |", name, Double(idle[name] ?? 0) / 1024, Double(peak[name] ?? 0) / 1024
                ))
        }
        return lines.joined(separator: "\n")
    }

    private func row(_ name: String, _ connections: Int, _ sample: Sample, _ baseline: Sample) -> String {
        String(
            format: "| %@ | %d | %.0f | %.1f | %.1f | %.2f | %.2f | %d |",
            name, connections, sample.rps, sample.p50, sample.p99,
            sample.rps / max(baseline.rps, 1), sample.p50 / max(baseline.p50, 0.001), sample.errors
        )
    }

    /// Runs the C load client and parses its one-line summary.
    private func load(_ socket: String, _ connections: Int, _ request: String) throws -> Sample {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: loadClient)
        process.arguments = ["load", socket, String(connections), String(seconds), request]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        var values: [String: Double] = [:]
        for field in output.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let parts = field.split(separator: "=")
            if parts.count == 2, let number = Double(parts[1]) {
                values[String(parts[0])] = number
            }
        }
        guard let rps = values["rps"] else {
            throw RuntimeFailure("the load client printed no result for \(socket): \(output)")
        }
        return Sample(
            rps: rps, p50: values["p50_us"] ?? 0, p99: values["p99_us"] ?? 0, errors: Int(values["errors"] ?? 0))
    }

    /// Resident memory of each mesh process in kilobytes, from /proc/<pid>/status.
    private func memory() -> [String: Int] {
        var result: [String: Int] = [:]
        for name in ProcessCatalog.startOrder {
            guard let pidText = try? String(contentsOfFile: home.runDirectory + "/\(name).pid", encoding: .utf8),
                let status = try? String(
                    contentsOfFile: "/proc/\(pidText.trimmingCharacters(in: .whitespacesAndNewlines))/status",
                    encoding: .utf8),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
            else {
                continue
            }
            result[name] = Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return result
    }

    /// Commits one row per transaction for `seconds` on the same disk as the mesh's databases.
    private func sqliteCommitRate() throws -> Double {
        let path = home.dataDirectory + "/commit-baseline.sqlite"
        let database = try Database(
            path: path,
            migrations: [
                Migration(id: 1, name: "rows", sql: "CREATE TABLE rows (id INTEGER PRIMARY KEY, text TEXT NOT NULL);")
            ]
        )
        defer { database.close() }

        let end = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        var commits = 0
        let started = ContinuousClock.now
        while ContinuousClock.now < end {
            try database.writeSync { connection in
                try connection.execute("INSERT INTO rows (text) VALUES ('bench')")
            }
            commits += 1
        }
        let elapsed = ContinuousClock.now - started
        return Double(commits) / (Double(elapsed.milliseconds) / 1000)
    }
}
