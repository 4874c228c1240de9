import Foundation
import MeshRuntime

/// `mesh serve <process>`: runs one process until SIGTERM or SIGINT.
enum ServeCommand {
    static func run(_ raw: [String]) async throws -> Int32 {
        let arguments = try CommandLineArguments(raw, valued: ["home", "log-level"])
        guard let name = arguments.positional.first else {
            throw UsageError("serve needs a process name: \(ProcessCatalog.startOrder.joined(separator: ", "))")
        }
        let level = arguments.option("log-level").flatMap(Logger.Level.init(name:)) ?? .info
        let home = MeshCommand.home(arguments)
        let logger = Logger(label: name, level: level)

        guard let host = try ProcessCatalog.host(named: name, home: home, logger: logger) else {
            throw UsageError("no process named '\(name)'; use one of \(ProcessCatalog.startOrder.joined(separator: ", "))")
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
