import Foundation
import MeshProtocol
import MeshStore

/// What a service gets to build its handlers with.
public struct ServiceEnvironment: Sendable {
    public let name: String
    public let home: MeshHome
    public let store: Database
    public let clock: MeshClock
    public let logger: Logger
    public let peers: PeerDirectory
    /// Wakes this process's relay after a write that published events.
    public let eventsPublished: @Sendable () -> Void
    /// The environment variables the service reads its settings from: the process's own when served.
    public let variables: [String: String]
    /// Seals the cursors of the service's paged lists with the home's cursor key.
    public let cursors: CursorSeal

    public init(
        name: String,
        home: MeshHome,
        store: Database,
        clock: MeshClock,
        logger: Logger,
        peers: PeerDirectory,
        variables: [String: String] = ProcessInfo.processInfo.environment,
        eventsPublished: @escaping @Sendable () -> Void
    ) throws {
        self.cursors = try CursorSeal.forHome(home)
        self.name = name
        self.home = home
        self.store = store
        self.clock = clock
        self.logger = logger
        self.peers = peers
        self.eventsPublished = eventsPublished
        self.variables = variables
    }
}

/// The pieces of a running service.
public struct ServiceParts: Sendable {
    public var methods = MethodTable()
    /// Topic to the handler applying it, for events this service subscribes to.
    public var eventHandlers: [String: EventHandler] = [:]
    /// Subscriber process to the topics of this service's outbox it receives.
    public var subscribers: [String: Set<String>] = [:]
    /// Long-running work (schedulers, senders), started after the socket and cancelled at shutdown.
    public var background: [@Sendable () async -> Void] = []
    /// Handles any method not in `methods` (the gateway's router).
    public var fallback: MethodEntry.Handler?
    /// Whether `meta.caller` sent by peers is believed (false for the gateway, which faces clients).
    public var trustsCaller = true
    /// The budget of requests that arrive without `meta.timeout_ms`.
    public var defaultTimeout: Duration?
    /// Adds to `rpc.describe`: `methods` entries are appended to this process's own, other members are
    /// copied in. The gateway uses it to list the public methods of the services behind it, within the
    /// budget of the `rpc.describe` call's context.
    public var describeExtension:
        (@Sendable (_ withSchemas: Bool, _ context: MethodContext) async -> [String: JSONValue])?
    /// Checks that a call of this process's operator methods (`relay.pause`) comes from root. Nil checks
    /// `meta.caller`, which only the mesh's own processes can send. The gateway, which believes no
    /// caller, checks the root key instead.
    public var requireOperator: (@Sendable (MethodContext) throws -> Void)?
    /// Extra members for `rpc.health`, computed on each call.
    public var healthDetails: (@Sendable () -> [String: JSONValue])?

    public init() {}
}

/// A process of the mesh: its name, its schema and how it builds its handlers.
public protocol MeshService {
    static var name: String { get }
    static var migrations: [Migration] { get }
    static func make(_ environment: ServiceEnvironment) throws -> ServiceParts
    /// How long the process's event loop polls before sleeping after a turn with events;
    /// `MESH_BUSY_POLL_US` overrides it.
    static var busyPoll: Duration { get }
    /// Whether the uids in `MESH_TRUSTED_UIDS` may connect too; only the gateway's are.
    static var acceptsTrustedUIDs: Bool { get }
}

extension MeshService {
    /// Services sleep as soon as they have nothing to do.
    public static var busyPoll: Duration { .zero }

    /// Services take only the mesh's own uid.
    public static var acceptsTrustedUIDs: Bool { false }
}
