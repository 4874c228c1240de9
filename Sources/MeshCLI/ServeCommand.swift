import Foundation
import MeshRuntime

/// `mesh serve <process>`: runs one process until SIGTERM or SIGINT.
enum ServeCommand {
    static func run(_ raw: [String]) async throws -> Int32 {
        let arguments = try CommandLineArguments(raw, valued: ["home", "log-level"])
        guard let name = arguments.positional.first else {
            throw UsageError("serve needs a process name: \(ProcessCatalog.startOrder.joined(separator: ", "))")
        }
        try arguments.allowPositional(atMost: 1, command: "serve")
        let levelName = arguments.option("log-level") ?? "info"
        guard let level = Logger.Level(name: levelName) else {
            throw UsageError("--log-level must be trace, debug, info, notice, warning or error, not '\(levelName)'")
        }
        let home = MeshCommand.home(arguments)
        let logger = Logger(label: name, level: level)

        guard let host = try ProcessCatalog.host(named: name, home: home, logger: logger) else {
            throw ProcessCatalog.unknownProcess(name)
        }
        try host.start()

        let stop = Stopper()
        SignalWaiter.start { signal in
            logger.info("service.signal", ["signal": "\(signal)"])
            stop.request()
        }
        await stop.wait()

        host.stop()
        return 0
    }
}
