import Foundation
import MeshProtocol
import MeshRuntime
import MeshStore
import MeshTransport

/// Runs one service's handlers in-process on a real SQLite file in a temporary home, without sockets.
///
/// Calls go through the same method table, parameter decoding and error mapping as a served request.
/// The clock is the home's test clock file, so a test moves time with `setClock` or `advance`.
public final class ServiceHarness<Service: MeshService>: Sendable {
    public let home: MeshHome
    public let store: Database
    public let parts: ServiceParts
    public let peers: PeerDirectory
    public let loop: EventLoop
    public let clock: MeshClock
    public let logs = LogSink.memory()

    /// Opens the service in a fresh temporary home with its clock at `startMs`. The service reads its
    /// settings from `variables` alone, never from the test process's environment.
    public init(startMs: Int64 = 1_767_225_600_000, variables: [String: String] = [:]) throws {
        let root = NSTemporaryDirectory() + "mesh-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        home = MeshHome(root: root)
        let opened = try ServiceHarness.open(home: home, startMs: startMs, variables: variables)
        clock = home.clock()
        store = opened.store
        loop = opened.loop
        peers = PeerDirectory(home: home, loop: loop)

        // A throwing initializer skips deinit, so a service that rejects its settings must not leave
        // the home behind.
        do {
            let environment = try ServiceEnvironment(
                name: Service.name,
                home: home,
                store: store,
                clock: clock,
                logger: Logger(label: Service.name, level: .debug, sink: logs),
                peers: peers,
                variables: variables,
                eventsPublished: {}
            )
            parts = try Service.make(environment)
        } catch {
            ServiceHarness.close(home: home, store: store, loop: loop, peers: peers)
            throw error
        }
    }

    /// Prepares `home` with its clock at `startMs` and opens the service's store and an event loop,
    /// removing the home again when a step fails. The store takes its limits from `variables`
    /// (`MESH_MAX_FRAME_BYTES`), as a served process's does.
    private static func open(home: MeshHome, startMs: Int64, variables: [String: String]) throws -> (
        store: Database, loop: EventLoop
    ) {
        do {
            try home.prepare()
            try MeshClock.writeClockFile(home.clockPath, milliseconds: startMs)
            var configuration = RPCServer.Configuration(processName: Service.name)
            try LimitVariables.apply(variables, to: &configuration)
            var options = StoreOptions()
            options.maximumEventPayloadBytes = EventDelivery.maximumPayloadBytes(
                frameBytes: configuration.limits.maximumFrameBytes)
            let store = try Database(
                path: home.databasePath(Service.name), migrations: Service.migrations, options: options)
            let loop = try EventLoop(name: "harness")
            loop.start()
            return (store, loop)
        } catch {
            try? FileManager.default.removeItem(atPath: home.root)
            throw error
        }
    }

    private static func close(home: MeshHome, store: Database, loop: EventLoop, peers: PeerDirectory) {
        peers.closeAll()
        loop.stop()
        store.close()
        try? FileManager.default.removeItem(atPath: home.root)
    }

    deinit {
        ServiceHarness.close(home: home, store: store, loop: loop, peers: peers)
    }

    /// Calls `method` as `caller`, exactly as a request arriving on the socket would be handled.
    public func call(
        _ method: String,
        _ params: JSONValue = [:],
        as caller: Caller? = .root,
        idempotencyKey: String? = nil
    ) async throws(RPCError) -> JSONValue {
        guard let entry = parts.methods[method] else {
            throw RPCError(.methodNotFound, "\(Service.name) has no method \(method)")
        }
        var meta = RequestMeta()
        meta.caller = caller?.json
        meta.idempotencyKey = idempotencyKey
        let context = MethodContext(
            method: method,
            requestID: .int(1),
            meta: meta,
            caller: caller,
            deadline: nil,
            logger: Logger(label: Service.name, level: .debug, sink: logs),
            clock: clock,
            peers: peers
        )
        do {
            return try await entry.handler(params, context)
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(.internal, "\(method) threw \(error)")
        }
    }

    /// Applies events as if another process's relay delivered them, through the service's handlers.
    /// Returns how many were applied; events already in the inbox are skipped.
    @discardableResult
    public func deliver(_ events: [MeshEvent]) throws -> Int {
        let handlers = parts.eventHandlers
        let now = clock.nowMs()
        return try store.writeSync { connection in
            var applied = 0
            for event in events {
                guard try connection.recordInbox(eventID: event.eventID, topic: event.topic, atMs: now),
                    let handler = handlers[event.topic]
                else {
                    continue
                }
                try handler(event, connection)
                applied += 1
            }
            return applied
        }
    }

    /// Every event this service has written to its outbox, oldest first.
    public func published() throws -> [MeshEvent] {
        try store.readSync { connection in
            try connection.query("SELECT event_id, topic, payload, created_at_ms FROM outbox ORDER BY seq").map { row in
                let payload = (try? JSONParser.parse(row.string("payload") ?? "{}")) ?? [:]
                return MeshEvent(
                    eventID: row.string("event_id") ?? "",
                    topic: row.string("topic") ?? "",
                    payload: payload,
                    createdAtMs: row.int("created_at_ms") ?? 0,
                    source: Service.name
                )
            }
        }
    }

    public func setClock(_ milliseconds: Int64) throws {
        try MeshClock.writeClockFile(home.clockPath, milliseconds: milliseconds)
    }

    public func advance(days: Int) throws {
        try setClock(clock.nowMs() + Int64(days) * 86_400_000)
    }
}
