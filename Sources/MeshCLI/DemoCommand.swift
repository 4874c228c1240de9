import Foundation
import MeshClient
import MeshProtocol
import MeshRuntime

/// `mesh demo`: starts a mesh in a fresh temporary home, runs a company's whole lifecycle through the
/// gateway, printing every request and response, and stops the mesh.
enum DemoCommand {
    static func run(_ raw: [String]) async throws -> Int32 {
        let arguments = try CommandLineArguments(raw, valued: [], flags: ["keep"])
        try arguments.allowPositional(atMost: 0, command: "demo")
        let root = "/tmp/mesh-demo-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let home = MeshHome(root: root)
        Terminal.print("== starting a mesh in \(root)")

        let mesh = try MeshProcess.startUp(home: home)
        defer {
            mesh.stop()
            if !arguments.flag("keep") {
                try? FileManager.default.removeItem(atPath: root)
            }
        }
        try await mesh.waitForGateway()

        let script = DemoScript(home: home)
        do {
            try await script.run()
        } catch let error as DemoFailure {
            Terminal.error("demo failed: \(error.message)\nlogs: \(home.logDirectory)")
            return 1
        }
        Terminal.print(
            arguments.flag("keep")
                ? "\n== demo finished; stopping the mesh and keeping its home \(home.root)"
                : "\n== demo finished; stopping the mesh")
        return 0
    }
}

/// A step of the demo that did not go as the lifecycle requires.
struct DemoFailure: Error {
    let message: String

    init(_ message: String) {
        self.message = message
    }
}

/// A `mesh up` child process, for the demo and the benchmark.
final class MeshProcess: Sendable {
    let home: MeshHome
    let process: Process

    private init(home: MeshHome, process: Process) {
        self.home = home
        self.process = process
    }

    static func startUp(home: MeshHome, testClock: Bool = false) throws -> MeshProcess {
        try home.prepare()
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["up", "--home", home.root] + (testClock ? ["--test-clock"] : [])
        let handle = try home.openLog("supervisor")
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return MeshProcess(home: home, process: process)
    }

    /// Waits until the supervisor reports that every process is serving.
    func waitForGateway(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        let log = home.logPath("supervisor")
        while ContinuousClock.now < deadline {
            if !process.isRunning {
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                throw RuntimeFailure("mesh up exited while starting:\n\(text)")
            }
            if let text = try? String(contentsOfFile: log, encoding: .utf8), text.contains("mesh is up") {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw RuntimeFailure("the mesh did not start within \(timeout); see \(home.logDirectory)")
    }

    func stop() {
        guard process.isRunning else {
            return
        }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }
}
