import Foundation
import MeshProtocol
import MeshRuntime
import MeshTransport
import Synchronization

/// Starts the five processes of a mesh, restarts any that dies, and stops them in reverse order.
///
/// Each child runs `mesh serve <name>` from this same executable, with its standard output and error
/// appended to `logs/<name>.log` (opened with O_APPEND at each start), and its pid written to
/// `run/<name>.pid`.
final class Supervisor: Sendable {
    private struct Child {
        var process: Process
        var startedAt: ContinuousClock.Instant
        var policy = RestartPolicy()
        var restartAt: ContinuousClock.Instant?
    }

    let home: MeshHome
    /// Whether the mesh runs on the home's test clock, which every process it starts must then find.
    let testClock: Bool
    private let executable: String
    private let logger: Logger
    private let children = Mutex<[String: Child]>([:])
    private let stopping = Atomic<Bool>(false)
    private let loop: EventLoop

    init(home: MeshHome, logger: Logger, testClock: Bool = false) throws {
        self.home = home
        self.testClock = testClock
        self.logger = logger
        self.executable = Supervisor.currentExecutable()
        self.loop = try EventLoop(name: "supervisor")
        loop.start()
    }

    /// Throws when a process already replies on one of the sockets. A process started by hand on this
    /// home (`mesh serve`) would reply to the readiness check in place of the child, which then fails to
    /// bind and restarts for as long as the other runs.
    func rejectForeignProcesses() async throws {
        for name in ProcessCatalog.startOrder where await answers(name) {
            throw RuntimeFailure(
                "another process already serves \(name) on \(home.socketPath(name)), for example a mesh serve "
                    + "\(name) started by hand on this home; stop it, then start the mesh again")
        }
    }

    /// Starts every process in order and waits for each to report SERVING.
    func startAll() async throws {
        for name in ProcessCatalog.startOrder {
            try launch(name)
            try await waitUntilServing(name, timeout: .seconds(30))
            logger.info("supervisor.process_ready", ["process": name])
        }
    }

    /// Watches the children until `stop()` is called, restarting those that exit.
    func monitor() async {
        while !stopping.load(ordering: .acquiring) {
            try? await Task.sleep(for: .milliseconds(100))
            for name in ProcessCatalog.startOrder {
                checkChild(name)
            }
        }
    }

    /// Stops the children in reverse start order: SIGTERM, then SIGKILL after 5 seconds.
    func stop() {
        stopping.store(true, ordering: .releasing)
        for name in ProcessCatalog.startOrder.reversed() {
            guard let child = children.withLock({ $0[name] }) else {
                continue
            }
            let process = child.process
            if process.isRunning {
                kill(process.processIdentifier, SIGTERM)
                let deadline = ContinuousClock.now + .seconds(5)
                while process.isRunning && ContinuousClock.now < deadline {
                    usleep(20_000)
                }
                if process.isRunning {
                    logger.warning("supervisor.kill", ["process": name])
                    kill(process.processIdentifier, SIGKILL)
                    process.waitUntilExit()
                }
            }
            removePIDFile(name)
            logger.info("supervisor.process_stopped", ["process": name])
        }
        loop.stop()
    }

    /// Returns the pid of a running child, for tests and operators.
    func pid(of name: String) -> Int32? {
        children.withLock { $0[name]?.process.processIdentifier }
    }

    private func checkChild(_ name: String) {
        let now = ContinuousClock.now
        var relaunch = false
        children.withLock { children in
            guard var child = children[name] else {
                return
            }
            if let restartAt = child.restartAt {
                if now >= restartAt {
                    relaunch = true
                }
                return
            }
            guard !child.process.isRunning, !stopping.load(ordering: .acquiring) else {
                return
            }

            // The pid is no longer the process's, and could be given to another one during the delay.
            removePIDFile(name)
            let uptime = now - child.startedAt
            let delay = child.policy.processExited(after: uptime)
            child.restartAt = now + delay
            children[name] = child
            var fields = child.process.exitFields
            fields["process"] = name
            fields["uptime_ms"] = "\(uptime.milliseconds)"
            fields["restart_in_ms"] = "\(delay.milliseconds)"
            // A process that keeps failing to start gives its reason in its log; repeat it here.
            if let reason = Supervisor.startFailedReason(inLog: home.logPath(name)) {
                fields["start_failed"] = reason
            }
            // A clean exit (status 0, as after SIGTERM) is a stop someone asked for, not a failure.
            // The reason is repeated whole, as in the process's own log.
            if child.process.terminationReason == .exit && child.process.terminationStatus == 0 {
                logger.log(.notice, "supervisor.process_exited", fields, clipping: false)
            } else {
                logger.log(.error, "supervisor.process_exited", fields, clipping: false)
            }
        }
        guard relaunch, !stopping.load(ordering: .acquiring) else {
            return
        }
        do {
            try launch(name)
            logger.info("supervisor.process_restarted", ["process": name])
        } catch {
            logger.error("supervisor.restart_failed", ["process": name, "error": "\(error)"])
            children.withLock { children in
                children[name]?.restartAt = now + .seconds(1)
            }
        }
    }

    private func launch(_ name: String) throws {
        let log = try home.openLog(name)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve", name, "--home", home.root]
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        environment[ServeCommand.supervisorVariable] = "\(getpid())"
        environment[ServeCommand.testClockVariable] = testClock ? "1" : nil
        process.environment = environment
        try process.run()
        try? log.close()

        if let problem = Supervisor.writePIDFile(pidPath(name), pid: process.processIdentifier) {
            logger.warning(
                "supervisor.pid_file_failed",
                ["process": name, "path": pidPath(name), "error": problem])
        }
        children.withLock { children in
            var child = children[name] ?? Child(process: process, startedAt: .now)
            child.process = process
            child.startedAt = .now
            child.restartAt = nil
            children[name] = child
        }
        logger.info("supervisor.process_started", ["process": name, "pid": "\(process.processIdentifier)"])
    }

    /// Returns why a process failed to start, from the last line of its log: the `error` of its
    /// `service.start_failed` line, or else the whole line (a crash report, say).
    static func startFailure(inLog path: String) -> String? {
        startFailedReason(inLog: path) ?? lastLine(ofFile: path)
    }

    /// Returns the `error` of a `service.start_failed` line when it is the last line of the log.
    static func startFailedReason(inLog path: String) -> String? {
        guard let line = lastLine(ofFile: path), let marker = line.range(of: " service.start_failed error=") else {
            return nil
        }
        return LogSink.unquoted(line[marker.upperBound...])
    }

    /// Returns the last non-empty line of a log file.
    static func lastLine(ofFile path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else {
            return nil
        }
        let text = String(decoding: data.suffix(4096), as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).last.map(String.init)
    }

    private func waitUntilServing(_ name: String, timeout: Duration) async throws {
        let client = RPCClient(path: home.socketPath(name), loop: loop)
        defer { client.close() }
        let deadline = ContinuousClock.now + timeout
        var lastError = "no response yet"

        while ContinuousClock.now < deadline {
            if let process = children.withLock({ $0[name]?.process }), !process.isRunning {
                let reason = Supervisor.startFailure(inLog: home.logPath(name)).map { ": \($0)" } ?? ""
                throw RuntimeFailure(
                    "\(name) \(process.exitPhrase) while starting\(reason)\n"
                        + "(the whole output is in \(home.logPath(name)))"
                )
            }
            do {
                let health = try await client.call("rpc.health", meta: RequestMeta(), timeout: .seconds(2))
                if health["status"]?.stringValue == "SERVING" {
                    return
                }
                lastError = "status \(health["status"]?.stringValue ?? "?")"
            } catch {
                lastError = error.message
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw RuntimeFailure(
            "\(name) did not report SERVING within \(timeout) (\(lastError)); see \(home.logPath(name))")
    }

    /// Returns whether a process already replies on the socket of `name`.
    private func answers(_ name: String) async -> Bool {
        let client = RPCClient(path: home.socketPath(name), loop: loop)
        defer { client.close() }
        do {
            _ = try await client.call("rpc.ping", meta: RequestMeta(), timeout: .seconds(2))
            return true
        } catch {
            return false
        }
    }

    /// Writes `pid` to the file at `path`, owner-writable only, and returns what went wrong, if anything.
    /// Users in MESH_TRUSTED_UIDS may pass through run/, so the mode does not follow the umask.
    static func writePIDFile(_ path: String, pid: Int32) -> String? {
        let notAFile = "it is not a regular file; remove it so the pid can be written"
        if !isRegularFileOrAbsent(path) {
            return notAFile
        }
        // Non-blocking, so that a FIFO put there meanwhile cannot hold the supervisor.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            return systemProblem(errno)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            return notAFile
        }
        ftruncate(descriptor, 0)
        fchmod(descriptor, 0o644)
        let text = Array("\(pid)\n".utf8)
        guard write(descriptor, text, text.count) == text.count else {
            return systemProblem(errno)
        }
        return nil
    }

    /// Describes a failed write of a pid file by its system error, with the fix.
    private static func systemProblem(_ code: Int32) -> String {
        let reason = String(cString: strerror(code))
        if code == ENOSPC || code == EDQUOT {
            return "\(reason); free space on the disk holding the run folder, and the pid is written at the "
                + "process's next start"
        }
        return "\(reason); check that the user that runs the mesh may write the run folder"
    }

    /// Removes `name`'s pid file, and leaves alone anything else at its path.
    private func removePIDFile(_ name: String) {
        var status = stat()
        if lstat(pidPath(name), &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG {
            unlink(pidPath(name))
        }
    }

    private static func isRegularFileOrAbsent(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) != 0 || (status.st_mode & S_IFMT) == S_IFREG
    }

    private func pidPath(_ name: String) -> String {
        home.runDirectory + "/" + name + ".pid"
    }

    private static func currentExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
