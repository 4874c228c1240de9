import Foundation
import MeshProtocol
import MeshStore
import MeshTransport
import Synchronization

/// Runs one process of the mesh: opens its store, serves its socket, runs its relay and background
/// work, and shuts down cleanly when stopped.
public final class ServiceHost: Sendable {
    public let name: String
    public let home: MeshHome
    public let loop: EventLoop
    public let store: Database
    public let peers: PeerDirectory
    public let server: UnixServer
    public let rpc: RPCServer
    private let relay: EventRelay
    private let background: [@Sendable () async -> Void]
    private let logger: Logger
    private let tasks = TaskBag()

    /// Opens everything a service needs. Nothing listens until `start()`.
    public init<Service: MeshService>(
        _ service: Service.Type,
        home: MeshHome,
        logger: Logger,
        storeOptions: StoreOptions = StoreOptions(),
        limits: ServerLimits = ServerLimits(),
        variables: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        let name = Service.name
        var configuration = RPCServer.Configuration(processName: name)
        configuration.limits = limits
        configuration.busyPoll = Service.busyPoll
        try LimitVariables.apply(variables, to: &configuration)

        try home.prepare()
        let clock = home.clock()
        let store = try Database(path: home.databasePath(name), migrations: Service.migrations, options: storeOptions)
        let loop = try EventLoop(name: name, busyPoll: configuration.busyPoll)
        let peers = PeerDirectory(
            home: home,
            loop: loop,
            maximumFrameBytes: configuration.limits.maximumFrameBytes,
            maximumInFlight: configuration.maximumInFlight
        )

        let relayBox = RelayBox()
        let environment = ServiceEnvironment(
            name: name,
            home: home,
            store: store,
            clock: clock,
            logger: logger,
            peers: peers,
            variables: variables,
            eventsPublished: { relayBox.relay?.wake() }
        )
        var parts = try Service.make(environment)
        if !parts.eventHandlers.isEmpty {
            EventInbox.register(
                into: &parts.methods,
                handlers: parts.eventHandlers,
                store: store,
                clock: clock,
                afterCommit: environment.eventsPublished
            )
        }

        let relay = EventRelay(source: name, routes: parts.subscribers, store: store, peers: peers, clock: clock, logger: logger)
        relayBox.relay = relay

        configuration.defaultTimeout = parts.defaultTimeout
        configuration.trustsCaller = parts.trustsCaller
        let healthDetails = parts.healthDetails
        let rpc = RPCServer(
            configuration: configuration,
            methods: parts.methods,
            logger: logger,
            clock: clock,
            peers: peers,
            health: {
                var report: [String: JSONValue] = ["service": .string(name)]
                switch store.healthCheck() {
                case .success:
                    report["status"] = "SERVING"
                    report["store"] = ["state": "ok"]
                case .failure(let error):
                    report["status"] = "NOT_SERVING"
                    report["store"] = ["state": "error", "detail": .string(error.description)]
                }
                if let healthDetails {
                    report.merge(healthDetails()) { current, _ in current }
                }
                return .object(report)
            },
            fallback: parts.fallback,
            describeExtension: parts.describeExtension
        )

        self.name = name
        self.home = home
        self.loop = loop
        self.store = store
        self.peers = peers
        self.rpc = rpc
        self.relay = relay
        self.background = parts.background
        self.logger = logger
        self.server = UnixServer(path: home.socketPath(name), loop: loop, limits: configuration.limits, delegate: rpc)
    }

    /// Starts the loop, the socket, the relay and the background work.
    public func start() throws {
        loop.start()
        do {
            try server.start()
        } catch {
            loop.stop()
            throw RuntimeFailure(error.message)
        }

        tasks.add(Task { [relay] in await relay.run() })
        for work in background {
            tasks.add(Task { await work() })
        }
        logger.info("service.started", ["socket": server.path, "pid": "\(getpid())"])
    }

    /// Stops accepting, cancels background work, and closes the store.
    public func stop() {
        logger.info("service.stopping")
        server.stop()
        tasks.cancelAll()
        peers.closeAll()
        loop.stop()
        store.close()
        logger.info("service.stopped")
    }
}

/// Lets the environment's wake-up closure reach the relay created after it.
///
/// `@unchecked Sendable`: `relay` is set once during `ServiceHost.init`, before any closure that reads
/// it can run.
private final class RelayBox: @unchecked Sendable {
    var relay: EventRelay?
}

/// The unstructured tasks a host owns, so that stopping the host cancels them all.
final class TaskBag: Sendable {
    private let tasks = Mutex<[Task<Void, Never>]>([])

    func add(_ task: Task<Void, Never>) {
        tasks.withLock { $0.append(task) }
    }

    func cancelAll() {
        let all = tasks.withLock { tasks in
            let taken = tasks
            tasks.removeAll()
            return taken
        }
        for task in all {
            task.cancel()
        }
    }
}
