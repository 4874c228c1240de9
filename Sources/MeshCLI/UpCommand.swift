import Foundation
import MeshRuntime

/// `mesh up`: runs the whole mesh in the foreground until Ctrl-C or SIGTERM, then exits 0.
enum UpCommand {
    static func run(_ raw: [String]) async throws -> Int32 {
        let arguments = try CommandLineArguments(raw, valued: ["home"], flags: ["test-clock"])
        try arguments.allowPositional(atMost: 0, command: "up")
        let home = MeshCommand.home(arguments)
        try home.prepare()

        // Before anything touches pid files, sockets or logs: a second `mesh up` on this home stops here.
        let lock = try MeshLock.acquire(home)
        defer { withExtendedLifetime(lock) {} }
        try await waitForLeftovers(home)
        let logger = Logger(label: "supervisor")
        for warning in UnknownVariables.warnings(in: ProcessInfo.processInfo.environment) {
            Terminal.error("mesh up: \(warning)")
            logger.warning("supervisor.unknown_variable", ["problem": warning])
        }
        let supervisor = try Supervisor(home: home, logger: logger, testClock: arguments.flag("test-clock"))
        // A refusal changes nothing in the home, so this check comes before the clock is set up.
        try await supervisor.rejectForeignProcesses()
        try configureClock(home, test: arguments.flag("test-clock"))
        unlink(home.testClockMarkerPath)
        if arguments.flag("test-clock") {
            // The marker keeps the time the clock was last set to, for writing back a deleted clock file.
            _ = FileManager.default.createFile(atPath: home.testClockMarkerPath, contents: nil)
            ClockCommand.recordLastSetTime(home, MeshClock.file(home.clockPath).nowMs())
        }

        let stopRequested = Stopper()
        SignalWaiter.start { signal in
            logger.info("supervisor.signal", ["signal": Process.signalName(signal)])
            stopRequested.request()
        }
        let ownerWatch = try OwnerWatch.start(logger: logger, stop: stopRequested)
        defer { ownerWatch?.cancel() }

        let pidPath = home.runDirectory + "/supervisor.pid"
        if let problem = Supervisor.writePIDFile(pidPath, pid: getpid()) {
            unlink(home.testClockMarkerPath)
            throw RuntimeFailure("cannot write \(pidPath): \(problem)")
        }
        do {
            try await supervisor.startAll()
        } catch {
            supervisor.stop()
            unlink(pidPath)
            throw error
        }
        Terminal.print("mesh is up in \(home.root); gateway socket \(home.socketPath("gateway")); Ctrl-C stops it")

        let monitor = Task { await supervisor.monitor() }
        await stopRequested.wait()
        supervisor.stop()
        monitor.cancel()
        unlink(pidPath)
        unlink(home.testClockMarkerPath)
        Terminal.print("mesh stopped")
        return 0
    }

    /// Waits a few seconds for processes an earlier supervisor of this home started, and throws when
    /// any is still running. They stop on their own once their supervisor is gone, but one that does
    /// not would accept connections on its socket in place of the process this supervisor starts.
    static func waitForLeftovers(_ home: MeshHome) async throws {
        var leftovers = leftoverProcesses(home)
        let deadline = ContinuousClock.now + .seconds(5)
        while !leftovers.isEmpty && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            leftovers = leftoverProcesses(home)
        }
        guard leftovers.isEmpty else {
            let list = leftovers.map { "\($0.name) pid \($0.pid)" }.joined(separator: ", ")
            throw RuntimeFailure(
                "processes of an earlier mesh in \(home.root) are still running (\(list)); stop them with kill "
                    + "\(leftovers.map { "\($0.pid)" }.joined(separator: " ")), then run mesh up again"
            )
        }
    }

    /// Returns the processes named in `run/*.pid` that are alive and are `mesh serve` of this home.
    static func leftoverProcesses(_ home: MeshHome) -> [(name: String, pid: Int32)] {
        ProcessCatalog.startOrder.compactMap { name in
            guard let pid = home.recordedPID(name), pid != getpid(), kill(pid, 0) == 0,
                let commandLine = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8),
                commandLine.contains("serve"), commandLine.contains(home.root)
            else {
                return nil
            }
            return (name, pid)
        }
    }

    /// Creates the shared test clock file (at the current time) for `--test-clock`, or removes one left
    /// by an earlier run for the system clock.
    ///
    /// Throws when the home's test clock is ahead of the system clock, because its data carries those
    /// later times and would then be dated in the future.
    static func configureClock(_ home: MeshHome, test: Bool) throws {
        let exists = FileManager.default.fileExists(atPath: home.clockPath)
        if test && !exists {
            try MeshClock.writeClockFile(home.clockPath, milliseconds: MeshClock.system.nowMs())
        } else if !test && exists {
            let testNow = MeshClock.file(home.clockPath).nowMs()
            let systemNow = MeshClock.system.nowMs()
            if testNow > systemNow + 60_000 {
                let days = Double(testNow - systemNow) / 86_400_000
                throw RuntimeFailure(
                    "the test clock of \(home.root) is at \(UTCTime.iso8601(milliseconds: testNow)), "
                        + String(format: "%.1f", days)
                        + " days ahead of the system clock, and its data is dated by it; run `mesh up --test-clock` to keep that clock, or use another home (--home DIR) for the system clock"
                )
            }
            try FileManager.default.removeItem(atPath: home.clockPath)
        }
    }
}

/// A one-shot signal from the signal thread to the async code waiting for it.
final class Stopper: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)

    func request() {
        semaphore.signal()
    }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread { [semaphore] in
                semaphore.wait()
                continuation.resume()
            }
        }
    }
}
