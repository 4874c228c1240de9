import Glibc
import MeshProtocol
import MeshRuntime
import MeshTransport

/// `mesh status`: asks each process for `rpc.health` over its own socket.
enum StatusCommand {
    static func run(_ raw: [String]) async throws -> Int32 {
        let arguments = try CommandLineArguments(raw, valued: ["home"])
        try arguments.allowPositional(atMost: 0, command: "status")
        let home = MeshCommand.home(arguments)
        let loop = try EventLoop(name: "status")
        loop.start()
        defer { loop.stop() }

        var allServing = true
        var anyAnswered = false
        var anyDenied = false
        Terminal.print("mesh home: \(home.root)")
        // Without a run folder no process has a socket, so one line reports that instead of one per process.
        var status = stat()
        if stat(home.runDirectory, &status) != 0 && errno == ENOENT {
            Terminal.print(
                "no mesh has run here: the folder \(home.runDirectory) does not exist; start the mesh with `mesh up`, "
                    + "or check MESH_HOME and --home")
            return 1
        }
        for name in ProcessCatalog.startOrder {
            let client = RPCClient(path: home.socketPath(name), loop: loop)
            defer { client.close() }
            do {
                let health = try await client.call("rpc.health", meta: RequestMeta(), timeout: .seconds(3))
                let label = name.padding(toLength: 13, withPad: " ", startingAt: 0)
                if let served = health["service"]?.stringValue, served != name {
                    // The socket path leads to another process, which would look healthy in this row.
                    Terminal.print(
                        "\(label) WRONG  its socket \(home.socketPath(name)) is served by \(served.clipped); "
                            + "remove what is at that path, and \(name) binds its socket again within a second")
                    allServing = false
                    anyAnswered = true
                    continue
                }
                if let bound = health["socket"]?.stringValue, !sameFile(bound, home.socketPath(name)) {
                    // The home was moved while the process ran. It replies here, but its peers and the
                    // gateway still use the old paths, so calls fail.
                    Terminal.print(
                        "\(label) MOVED  it was started with its socket at \(bound.clipped), so this home was moved "
                            + "while the mesh ran and calls through it fail; stop the mesh (Ctrl-C on mesh up) and "
                            + "start it again here")
                    allServing = false
                    anyAnswered = true
                    continue
                }
                let status = health["status"]?.stringValue ?? "UNKNOWN"
                let uptime = (health["uptime_ms"]?.intValue ?? 0) / 1000
                let store = health["store"]?["state"]?.stringValue ?? "?"
                Terminal.print("\(label) \(status)  store=\(store)  uptime=\(uptime)s")
                // The detail of a failing store goes on a line of its own, so the table stays readable. So does
                // that of another part of the process in trouble (notification's outbox).
                if store != "ok", let detail = health["store"]?["detail"]?.stringValue {
                    Terminal.print("              \(detail)")
                }
                for (part, report) in (health.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) where part != "store"
                {
                    if let state = report["state"]?.stringValue, state != "ok",
                        let detail = report["detail"]?.stringValue
                    {
                        Terminal.print("              \(part): \(detail)")
                    }
                }
                allServing = allServing && status == "SERVING"
                anyAnswered = true
            } catch {
                anyDenied = anyDenied || error.status == .permissionDenied
                // A busy or stuck process runs, so "start the mesh" would be wrong advice.
                anyAnswered =
                    anyAnswered || error.status == .deadlineExceeded
                    || error.details?["reason"]?.stringValue == "connections"
                let label = name.padding(toLength: 13, withPad: " ", startingAt: 0)
                Terminal.print("\(label) \(failureLine(error, process: name, home: home))")
                allServing = false
            }
        }
        if !anyAnswered {
            Terminal.print(noAnswerAdvice(home, anyDenied: anyDenied))
        }
        return allServing ? 0 : 1
    }

    /// Returns whether two paths name the same file: equal, or leading to one file by links, as a home
    /// reached through a symbolic link does. A path that no longer exists, as after a move, does not.
    static func sameFile(_ first: String, _ second: String) -> Bool {
        if first == second {
            return true
        }
        var firstStatus = stat()
        var secondStatus = stat()
        guard stat(first, &firstStatus) == 0, stat(second, &secondStatus) == 0 else {
            return false
        }
        return firstStatus.st_dev == secondStatus.st_dev && firstStatus.st_ino == secondStatus.st_ino
    }

    /// Returns the status line after the process name when `rpc.health` failed with `error`.
    static func failureLine(_ error: RPCError, process name: String, home: MeshHome) -> String {
        if error.status == .deadlineExceeded {
            // Connected but silent: the process runs, stopped or stuck.
            return "NOT RESPONDING  no answer to rpc.health within 3 s; see \(home.logPath(name))"
                + (home.recordedPID(name).map { " and process \($0)" } ?? "")
        }
        if error.details?["reason"]?.stringValue == "connections" {
            // The process runs and refused only this connection.
            return "BUSY  \(error.message)"
        }
        if error.status == .permissionDenied {
            return "DENIED  \(error.message)"
        }

        // The client's reconnect delay means nothing to someone reading a status line.
        let reason = error.message.components(separatedBy: " (retry in").first ?? error.message
        guard MeshLock.isHeld(runDirectory: home.runDirectory) else {
            return "DOWN  \(reason)"
        }
        // The supervisor restarts it; one that stays down keeps failing, and its log gives the reason.
        return "DOWN  \(reason); mesh up restarts it, and \(home.logPath(name)) gives the reason it stopped"
    }

    /// Returns the advice when no process replied: run as the home's owner when it is another user's,
    /// else start the mesh. A process that denied the connection is running, so it is never "start".
    static func noAnswerAdvice(_ home: MeshHome, anyDenied: Bool = false) -> String {
        do {
            try home.checkOwner()
        } catch {
            return "no process answered: \(error)"
        }
        if anyDenied {
            return "no process answered: the mesh runs, but as a user that does not trust this one; run mesh as "
                + "the user that started it, or ask them to add uid \(geteuid()) to MESH_TRUSTED_UIDS"
        }
        return "no process answered: start the mesh with `mesh up`, or check MESH_HOME and --home"
    }
}
