import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

/// The front door of the mesh: authenticates every call by API key, scopes it to the caller's company,
/// blocks suspended companies, counts and limits API calls, and routes it to the owning service.
///
/// It holds no business rules beyond those; its own store keeps the root key's hash and the daily API
/// call counters, so both survive restarts.
public enum Gateway: MeshService {
    public static let name = "gateway"

    /// The poll before sleeping. Every call through the gateway waits for a service's reply, which
    /// arrives within tens of microseconds for a light call, so the gateway reads it without a
    /// cross-CPU wake-up. docs/BENCHMARKS.md has the measurements.
    public static let busyPoll: Duration = .microseconds(50)

    /// Other local users may call the gateway when `MESH_TRUSTED_UIDS` lists them: their API keys
    /// still decide what they may do.
    public static let acceptsTrustedUIDs = true

    /// The budget a request gets when the client sends no `meta.timeout_ms`.
    public static let defaultTimeout: Duration = .seconds(30)

    public static let migrations: [Migration] = [
        Migration(
            id: 1,
            name: "root key and usage counters",
            sql: """
                CREATE TABLE root_keys (
                    key_id TEXT PRIMARY KEY,
                    key_hash TEXT NOT NULL,
                    created_at_ms INTEGER NOT NULL
                );
                CREATE TABLE api_usage (
                    company_id TEXT NOT NULL,
                    day TEXT NOT NULL,
                    calls INTEGER NOT NULL,
                    PRIMARY KEY (company_id, day)
                );
                """
        )
    ]

    public static func make(_ environment: ServiceEnvironment) throws -> ServiceParts {
        let rootKey = try RootKey.ensure(
            home: environment.home, store: environment.store, clock: environment.clock, logger: environment.logger)
        let usage = try UsageCounter(store: environment.store, clock: environment.clock, logger: environment.logger)
        let failures = FailureTally(store: environment.store, clock: environment.clock)
        let router = GatewayRouter(
            rootKeyHash: rootKey.hash,
            peers: environment.peers,
            clock: environment.clock,
            usage: usage,
            logger: environment.logger
        )

        var parts = ServiceParts()
        parts.defaultTimeout = defaultTimeout
        parts.trustsCaller = false
        parts.fallback = { params, context in
            do {
                return try await router.route(params: params, context: context)
            } catch {
                let budget = context.meta.timeoutMs.map { Duration.milliseconds($0) } ?? defaultTimeout
                let provisioning = failures.record(
                    method: context.method, error: error, budget: budget, deadline: context.deadline)
                if provisioning {
                    // The operator alert for it points here for the time and the cause.
                    let status = FailureTally.status(of: error, deadline: context.deadline)?.name ?? "INTERNAL"
                    context.logger.warning(
                        "provision.failed", ["status": status, "error": (error as? RPCError)?.message ?? "\(error)"])
                }
                throw error
            }
        }
        parts.requireOperator = { context in try router.requireRootKey(context) }
        parts.methods.add(GatewayRouter.pingDescriptor) { params, context in
            try await router.ping(params: params, context: context)
        }
        parts.describeExtension = { withSchemas, context in
            await router.publicMethods(withSchemas: withSchemas, within: context.remaining)
        }
        parts.subscribers = [
            "analytics": [UsageCounter.topic],
            "notification": [EventTopic.usageThresholdReached, EventTopic.gatewayFailures],
        ]
        let flushLoop = FlushLoop(
            flushes: ["usage": usage.flush, "failures": failures.flush],
            wake: usage.wake,
            logger: environment.logger,
            afterPublish: environment.eventsPublished
        )
        parts.background = [{ await flushLoop.run() }]
        return parts
    }
}
