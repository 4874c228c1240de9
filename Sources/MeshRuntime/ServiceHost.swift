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
        // Every process reads the list, so each keeps run/ open to the users the gateway accepts.
        let otherUIDs = try TrustedUIDs.parse(variables)

        try home.prepare(sharedWith: otherUIDs)
        try MeshClock.checkClockFile(home.clockPath)
        let clock = home.clock()
        var storeOptions = storeOptions
        storeOptions.maximumEventPayloadBytes = EventDelivery.maximumPayloadBytes(
            frameBytes: configuration.limits.maximumFrameBytes)
        let store: Database
        do {
            store = try Database(path: home.databasePath(name), migrations: Service.migrations, options: storeOptions)
        } catch let error as StoreError where error.isStorageFailure {
            // The store's message names the file and the fix, and its SQL would add nothing.
            throw RuntimeFailure("\(name) cannot use its database: \(error.message)")
        }
        let loop = try EventLoop(name: name, busyPoll: configuration.busyPoll)
        let peers = PeerDirectory(
            home: home,
            loop: loop,
            maximumFrameBytes: configuration.limits.maximumFrameBytes,
            maximumInFlight: configuration.maximumInFlight,
            idleTimeout: configuration.limits.idleTimeout
        )

        let relayBox = RelayBox()
        let environment = try ServiceEnvironment(
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
                recipient: name,
                handlers: parts.eventHandlers,
                store: store,
                clock: clock,
                afterCommit: environment.eventsPublished
            )
        }

        let relay = EventRelay(
            source: name, routes: parts.subscribers, store: store, peers: peers, clock: clock, logger: logger)
        relayBox.relay = relay
        if !parts.subscribers.isEmpty {
            RelayMethods.register(
                into: &parts.methods, relay: relay, process: name,
                // The gateway's own methods face its clients, so there they are root's, behind the root key.
                scope: parts.requireOperator == nil ? .internal : .root,
                requireOperator: parts.requireOperator ?? { _ = try $0.requireRoot() })
        }

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
                let (status, storeReport) = ServiceHost.storeHealth(store, process: name)
                // With the socket path, `mesh status` can name a home moved under a running process.
                var report: [String: JSONValue] = [
                    "service": .string(name), "status": .string(status), "store": storeReport,
                    "socket": .string(home.socketPath(name)),
                ]
                if let healthDetails {
                    let details = healthDetails()
                    report.merge(details) { current, _ in current }
                    // A part of the process other than its store (notification's outbox) can stop its work too.
                    if details.values.contains(where: { $0["state"] == "error" }) {
                        report["status"] = "NOT_SERVING"
                    }
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
        let accepted = Service.acceptsTrustedUIDs ? otherUIDs : []
        self.server = UnixServer(
            path: home.socketPath(name),
            loop: loop,
            limits: configuration.limits,
            trustedUIDs: accepted.union([getuid()]),
            socketMode: accepted.isEmpty ? 0o600 : 0o666,
            untrustedAdvice: Service.acceptsTrustedUIDs
                ? "connect as the user that runs the mesh, or ask that user to add your uid to "
                    + "\(TrustedUIDs.variable)"
                : "connect as the user that runs the mesh; only the gateway accepts other users",
            delegate: rpc
        )
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
        tasks.add(
            Task { [store, logger, name] in await ServiceHost.watchCheckpoints(store, logger: logger, process: name) })
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
        closeAfterBackgroundWork()
    }

    /// Stops like `stop()`, but lets the cancelled background work finish its last pass first, for
    /// at most `limit`: the gateway writes the API calls it counted since its last flush, for one.
    public func stopAfterBackgroundWork(waitingAtMost limit: Duration = .seconds(3)) async {
        logger.info("service.stopping")
        server.stop()
        let cancelled = tasks.cancelAll()

        let finished = await TaskBag.waitForAll(cancelled, atMost: limit)
        if !finished {
            logger.warning("service.background_still_running", ["waited_ms": "\(limit.milliseconds)"])
        }

        closeAfterBackgroundWork()
    }

    private func closeAfterBackgroundWork() {
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

    /// Cancels every task added so far and returns them.
    @discardableResult
    func cancelAll() -> [Task<Void, Never>] {
        let all = tasks.withLock { tasks in
            let taken = tasks
            tasks.removeAll()
            return taken
        }
        for task in all {
            task.cancel()
        }
        return all
    }

    /// Waits until every task in `tasks` has ended or `limit` has passed. Returns whether all ended.
    static func waitForAll(_ tasks: [Task<Void, Never>], atMost limit: Duration) async -> Bool {
        let outcome = FirstOutcome()
        await withCheckedContinuation { continuation in
            outcome.start(continuation)
            Task {
                for task in tasks {
                    await task.value
                }
                outcome.finish(true)
            }
            Task {
                try? await Task.sleep(for: limit)
                outcome.finish(false)
            }
        }
        return outcome.value
    }
}

/// The first of two racing results, resuming the waiting continuation once.
private final class FirstOutcome: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Void, Never>?
        var value: Bool?
    }

    private let state = Mutex(State())

    var value: Bool {
        state.withLock { $0.value ?? false }
    }

    func start(_ continuation: CheckedContinuation<Void, Never>) {
        state.withLock { $0.continuation = continuation }
    }

    func finish(_ value: Bool) {
        let waiting = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.value == nil else {
                return nil
            }
            state.value = value
            defer { state.continuation = nil }
            return state.continuation
        }
        waiting?.resume()
    }
}
