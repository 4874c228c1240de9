import Foundation
import MeshProtocol
import MeshRuntime

/// `mesh serve <process>`: runs one process until SIGTERM or SIGINT.
enum ServeCommand {
    static func run(_ raw: [String]) async throws -> Int32 {
        let arguments = try CommandLineArguments(raw, valued: ["home", "log-level"], flags: ["test-clock"])
        guard let name = arguments.positional.first else {
            throw UsageError("serve needs a process name: \(ProcessCatalog.startOrder.joined(separator: ", "))")
        }
        try arguments.allowPositional(atMost: 1, command: "serve")
        let levelName = arguments.option("log-level") ?? "info"
        guard let level = Logger.Level(name: levelName) else {
            let levels = ["trace", "debug", "info", "notice", "warning", "error"]
            throw UsageError(
                "--log-level must be trace, debug, info, notice, warning or error, not '\(levelName)'"
                    + NameSuggestion.hint(for: levelName, among: levels))
        }
        let home = MeshCommand.home(arguments)
        let logger = Logger(label: name, level: level)
        // A process served alone may start the home's test clock, which `mesh clock` then moves. It never
        // removes one: other processes of the home may be running on it.
        if arguments.flag("test-clock") && !FileManager.default.fileExists(atPath: home.clockPath) {
            try home.prepare()
            try MeshClock.writeClockFile(home.clockPath, milliseconds: MeshClock.system.nowMs())
        }

        guard ProcessCatalog.startOrder.contains(name) else {
            throw ProcessCatalog.unknownProcess(name)
        }
        // Started by `mesh up --test-clock`, a process without the clock file would run on the system
        // clock while the others keep the test time. `mesh up` tries again a second later.
        if ProcessInfo.processInfo.environment[testClockVariable] == "1"
            && !FileManager.default.fileExists(atPath: home.clockPath)
        {
            logger.log(
                .error, "service.start_failed",
                [
                    "error": "this process would run on the system clock while the others keep the test time: "
                        + ClockCommand.missingClockAdvice(home)
                ], clipping: false)
            return 1
        }
        let host: ServiceHost
        do {
            guard let made = try ProcessCatalog.host(named: name, home: home, logger: logger) else {
                throw ProcessCatalog.unknownProcess(name)
            }
            try made.start()
            host = made
        } catch {
            // The process log is where an operator looks, so the reason goes there as a log line.
            logger.log(.error, "service.start_failed", ["error": MeshCommand.message(of: error)], clipping: false)
            return 1
        }

        let stop = Stopper()
        SignalWaiter.start { signal in
            logger.info("service.signal", ["signal": Process.signalName(signal)])
            stop.request()
        }
        let watch = supervisorWatch(logger: logger, stop: stop)
        let walWatch = WALWatch.start(host: host, logger: logger, stop: stop)
        await stop.wait()
        watch?.cancel()
        walWatch.cancel()
        let walLost = await walWatch.value

        await host.stopAfterBackgroundWork()
        return walLost ? 1 : 0
    }

    /// The variable `mesh up` sets to its own pid for the processes it starts.
    static let supervisorVariable = "MESH_SUPERVISOR_PID"

    /// The variable `mesh up --test-clock` sets to 1 for the processes it starts.
    static let testClockVariable = "MESH_TEST_CLOCK"

    /// Stops this process once the supervisor that started it is gone (killed with SIGKILL, say), so no
    /// process of a mesh outlives its supervisor and blocks the next `mesh up` on the same home. Returns
    /// nil for a process started some other way.
    static func supervisorWatch(logger: Logger, stop: Stopper) -> Task<Void, Never>? {
        guard let text = ProcessInfo.processInfo.environment[supervisorVariable], let supervisor = Int32(text) else {
            return nil
        }
        return Task.detached {
            // An orphan is adopted by another process, so its parent id changes.
            while !Task.isCancelled && getppid() == supervisor {
                try? await Task.sleep(for: .milliseconds(250))
            }
            if !Task.isCancelled {
                logger.notice("service.supervisor_gone", ["supervisor_pid": "\(supervisor)"])
                stop.request()
            }
        }
    }
}
