import Foundation
import MeshProtocol
import MeshRuntime
import MeshTransport

/// The crash test's chaos: kills one mesh process at a time with SIGKILL, at a random moment of the
/// load, and waits until the supervisor has it serving again before the next kill.
///
/// Victims come from a seeded shuffle of the five processes, reshuffled after each round, so every
/// process (the gateway included) is killed once per five crashes.
struct CrashTestChaos: Sendable {
    struct Crash: Sendable {
        let process: String
        let oldPID: Int32
        let newPID: Int32
        /// When the kill was sent, from the start of the load.
        let atSeconds: Double
        /// From the kill until the new process reported SERVING.
        let downSeconds: Double
    }

    let home: MeshHome
    let loop: EventLoop
    let crashes: Int
    /// Each crash happens at a random point in the middle half of its slot of this length.
    let slot: Duration
    let seed: CrashTestRandom

    /// How long the supervisor may take to bring a killed process back before the test fails.
    static let restartLimit: Duration = .seconds(30)

    /// Runs every crash and returns them in order. `observe` is called with each crash as soon as it is over.
    ///
    /// Throws when a pid file is missing, names a process this mesh did not start, or a killed process
    /// is not serving again within `restartLimit`.
    func run(from start: ContinuousClock.Instant, observe: @Sendable (Crash) -> Void) async throws -> [Crash] {
        var random = seed
        var round: [String] = []
        var done: [Crash] = []

        for number in 0..<crashes {
            if round.isEmpty {
                round = ProcessCatalog.startOrder.shuffled(using: &random)
            }
            let victim = round.removeFirst()

            let offset = 0.25 + 0.5 * Double(random.next() % 1000) / 1000
            let moment = start + slot * number + slot * offset
            if moment > .now {
                try await Task.sleep(until: moment)
            }

            let crash = try await kill(victim, since: start)
            observe(crash)
            done.append(crash)
        }
        return done
    }

    private func kill(_ process: String, since start: ContinuousClock.Instant) async throws -> Crash {
        let pid = try currentPID(of: process)
        try requireOwnChild(pid, process)

        let killedAt = ContinuousClock.now
        guard Glibc.kill(pid, SIGKILL) == 0 else {
            throw RuntimeFailure(
                "could not send SIGKILL to \(process) (pid \(pid)): \(String(cString: strerror(errno)))")
        }
        let newPID = try await waitForRestart(process, oldPID: pid)
        return Crash(
            process: process,
            oldPID: pid,
            newPID: newPID,
            atSeconds: Double((killedAt - start).milliseconds) / 1000,
            downSeconds: Double((ContinuousClock.now - killedAt).milliseconds) / 1000
        )
    }

    /// Reads the pid in `run/<process>.pid`, which the supervisor rewrites at every start.
    private func currentPID(of process: String) throws -> Int32 {
        let path = home.runDirectory + "/" + process + ".pid"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            throw RuntimeFailure(
                "\(path) is missing or contains no pid; check that the supervisor still runs (see \(home.logDirectory))"
            )
        }
        return pid
    }

    /// Throws instead of killing a pid that is not `mesh serve <process> --home <this home>`, in case the
    /// pid file is stale and the number now belongs to another process.
    private func requireOwnChild(_ pid: Int32, _ process: String) throws {
        let raw = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
        let arguments = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard arguments.contains("serve"), arguments.contains(process), arguments.contains(home.root) else {
            throw RuntimeFailure(
                "pid \(pid) from run/\(process).pid is not `mesh serve \(process)` of \(home.root), so it was not killed"
            )
        }
    }

    /// Waits until the pid file names a new process and `rpc.health` of that process reports SERVING.
    private func waitForRestart(_ process: String, oldPID: Int32) async throws -> Int32 {
        let deadline = ContinuousClock.now + Self.restartLimit
        var lastProblem = "no new pid yet"

        while ContinuousClock.now < deadline {
            if let pid = try? currentPID(of: process), pid != oldPID {
                let client = RPCClient(path: home.socketPath(process), loop: loop)
                do {
                    let health = try await client.call("rpc.health", meta: RequestMeta(), timeout: .seconds(1))
                    if health["status"]?.stringValue == "SERVING" {
                        client.close()
                        return pid
                    }
                    lastProblem = "status \(health["status"]?.stringValue ?? "missing")"
                } catch {
                    lastProblem = error.message
                }
                client.close()
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw RuntimeFailure(
            "\(process) did not report SERVING within \(Self.restartLimit) after its SIGKILL (\(lastProblem)); see \(home.logPath(process))"
        )
    }
}
