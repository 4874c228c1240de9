import MeshProtocol
import MeshRuntime
import Synchronization
import TenantModel

/// Authenticates, scopes, limits and forwards one public call.
final class GatewayRouter: Sendable {
    private let rootKeyHash: String
    let peers: PeerDirectory
    private let clock: MeshClock
    private let usage: UsageCounter
    private let logger: Logger
    private let cache = AuthCache()
    let describeCache = DescribeCache()
    /// The methods each service described, with the number of connections the gateway had made to it
    /// then. A later connection may reach another process, so it is checked again.
    private let knownMethods = Mutex<[String: (methods: [String: PublicMethod], connection: Int)]>([:])

    /// The processes behind the gateway, in the order `rpc.describe` lists them.
    static let services = ["tenancy", "billing", "analytics", "notification"]

    /// Calls that change what the cache keeps about a company (access, roles or the tier and so its daily
    /// call limit): the cache drops that company after them.
    private static let accessChanging: Set<String> = [
        "companies.suspend", "companies.reactivate", "companies.delete", "companies.changeTier", "users.deactivate",
        "users.setRole", "auth.revokeKey",
    ]

    init(rootKeyHash: String, peers: PeerDirectory, clock: MeshClock, usage: UsageCounter, logger: Logger) {
        self.rootKeyHash = rootKeyHash
        self.peers = peers
        self.clock = clock
        self.usage = usage
        self.logger = logger
    }

    /// The service that owns each area of method names, the part before the dot.
    static let areaServices = [
        "companies": "tenancy", "users": "tenancy", "auth": "tenancy", "teams": "tenancy", "issues": "tenancy",
        "audit": "tenancy", "billing": "billing", "analytics": "analytics", "notifications": "notification",
    ]

    /// The service that owns `method`, by its prefix.
    static func service(for method: String) -> String? {
        guard let dot = method.firstIndex(of: ".") else {
            return nil
        }
        return areaServices[String(method[..<dot])]
    }

    func route(params: JSONValue?, context: MethodContext) async throws -> JSONValue {
        let method = context.method
        guard let service = GatewayRouter.service(for: method) else {
            if method.hasPrefix("events.") {
                throw RPCError(
                    .methodNotFound,
                    "method '\(method.clipped)' carries events between the mesh's processes, and the gateway does not "
                        + "route it; rpc.describe on the gateway lists every public method",
                    details: ["method": .string(method.clipped)]
                )
            }
            let hint = NameSuggestion.hint(
                for: method, among: await suggestibleMethods(for: method, withinMs: context.downstreamBudgetMs))
            throw RPCError(
                .methodNotFound,
                "method '\(method.clipped)' does not exist\(hint); rpc.describe on the gateway lists every public method",
                details: ["method": .string(method.clipped)]
            )
        }
        // Learning the methods keeps back part of the budget, as a forwarded call does, so a service that
        // does not reply is named before the caller's deadline.
        let described = try await requirePublic(method, on: service, withinMs: context.downstreamBudgetMs)

        var (caller, refusal) = try await authenticate(method: method, described: described, context: context)
        if refusal != nil {
            caller?.replayOnly = true
        }
        var forwardedParams = params
        if let caller, described.isCompanyScoped {
            forwardedParams = try scope(params, described: described, caller: caller)
        }

        var meta = GatewayRouter.forwardedMeta(context, caller: caller)
        meta.idempotencyKey = context.meta.idempotencyKey
        // Each company's calls queue apart while the window to the service is full, so one company's
        // slow calls never hold up all of another's. Root and anonymous callers have a lane each.
        let lane = caller.map { $0.companyID.map { "company:" + $0 } ?? "root" } ?? "anonymous"
        let result: JSONValue
        do {
            result = try await peers.call(service, method, params: forwardedParams, meta: meta, lane: lane)
        } catch {
            if let refusal, error.details?["reason"] == "no_stored_result" {
                throw refusal
            }
            throw error
        }

        if GatewayRouter.accessChanging.contains(method), let companyID = forwardedParams?["company_id"]?.stringValue {
            cache.forget(companyID: companyID)
        }
        return result
    }

    /// Builds the meta of a forwarded call: the trace id and remaining budget of `context`, and
    /// `caller`, the one the gateway verified, or none. A `caller` that a client wrote into its own meta
    /// is never passed on, because services trust that member without checking it.
    static func forwardedMeta(_ context: MethodContext, caller: Caller?) -> RequestMeta {
        var meta = context.downstreamMeta(caller: caller)
        meta.caller = caller?.json
        return meta
    }

    // MARK: Authentication

    /// Throws PERMISSION_DENIED unless the call sends the root key, for the gateway's own operator
    /// methods, which no user's key reaches.
    func requireRootKey(_ context: MethodContext) throws {
        guard let key = context.meta.apiKey, !key.isEmpty,
            SecretHash.constantTimeEquals(SecretHash.sha256Hex(key), rootKeyHash)
        else {
            throw RPCError(
                .permissionDenied,
                "\(context.method) is reserved for platform operators; send the root key from the mesh home in "
                    + "meta.api_key")
        }
    }

    /// Verifies the API key in `meta.api_key` and applies suspension, role and rate-limit rules.
    /// Returns nil for anonymous methods called without a key.
    ///
    /// Rejects a call of a suspended company, or of one out of daily calls, except a call that repeats
    /// an idempotency key of a company write, because its first try may have been applied before the
    /// refusal arose. For that call this returns the caller and the refusal, which the call gets unless
    /// the write's stored result comes back.
    private func authenticate(method: String, described: PublicMethod, context: MethodContext) async throws -> (
        Caller?, refusal: RPCError?
    ) {
        // A method that needs no key ignores one, so a stale key left in MESH_API_KEY cannot stop a user
        // from accepting an invitation.
        if Permissions.anonymous.contains(method) {
            return (nil, nil)
        }
        guard let key = context.meta.apiKey, !key.isEmpty else {
            throw RPCError(
                .unauthenticated,
                "\(method) needs an API key in meta.api_key; use the root key from the mesh home or a key from auth.acceptInvitation"
            )
        }

        let hash = SecretHash.sha256Hex(key)
        if SecretHash.constantTimeEquals(hash, rootKeyHash) {
            return (.root, nil)
        }

        let verified = try await verify(key: key, hash: hash, context: context)
        let caller = verified.caller
        let companyID = caller.companyID ?? "?"

        let mayReplay = context.meta.idempotencyKey != nil && IdempotentMethods.all.contains(method)
        var refusal: RPCError?
        if verified.companyStatus == "suspended" {
            let suspended = RPCError(
                .failedPrecondition,
                "company \(companyID) is suspended, so its API keys are refused; contact the platform operator to reactivate it",
                details: ["reason": "company_suspended", "company_id": .string(companyID)]
            )
            guard mayReplay else {
                throw suspended
            }
            refusal = suspended
        }

        // Every call with a user's key counts, a refused one too, so a key cannot call without limit by
        // calling what its role may not. An upgrade is the way out of the limit, so it is counted but never
        // refused. A suspended company's call is not counted, because it does nothing unless it replays a
        // stored result.
        let enforced = method != "companies.changeTier"
        if refusal == nil,
            let limited = usage.admit(
                companyID: companyID, tier: Tier(rawValue: verified.companyTier), enforced: enforced)
        {
            guard mayReplay else {
                throw limited
            }
            refusal = limited
        }

        // A method that its service marks root-only is rejected like those in the table, so an operator
        // method missing from the table is still closed to users.
        if Permissions.rootOnly.contains(method) || described.isRootOnly {
            throw RPCError(
                .permissionDenied,
                "\(method) is reserved for platform operators (the root key)",
                details: ["method": .string(method), "required_role": "root", "role": .string(caller.role ?? "none")]
            )
        }
        if let role = caller.role.flatMap(Role.init(rawValue:)), !Permissions.allows(role, method) {
            let needed = Permissions.requiredRole(method)
            throw RPCError(
                .permissionDenied,
                "\(method) needs \(needed.requirement); your role is \(role.rawValue), so ask \(needed == .owner ? "an owner" : "an owner or admin") of your company to make the call or to raise your role with users.setRole",
                details: [
                    "method": .string(method), "required_role": .string(needed.rawValue),
                    "role": .string(role.rawValue),
                ]
            )
        }
        return (caller, refusal)
    }

    private func verify(key: String, hash: String, context: MethodContext) async throws -> VerifiedKey {
        if let cached = cache.lookup(hash: hash) {
            return cached
        }

        var meta = context.downstreamMeta(caller: .service)
        let checkBudget = min(meta.timeoutMs ?? 5_000, 5_000)
        meta.timeoutMs = checkBudget
        let result: JSONValue
        do {
            result = try await peers.call("tenancy", "auth.verifyKey", params: ["api_key": .string(key)], meta: meta)
        } catch {
            guard error.status == .deadlineExceeded, checkBudget == 5_000 else {
                // The caller called another service, so the message names what tenancy was doing.
                var named = error
                if error.status == .deadlineExceeded {
                    named.message =
                        "the budget ran out while the gateway was checking the API key with tenancy: "
                        + error.message
                }
                throw named
            }
            // The check has a fixed limit, so a larger timeout would not help; the caller should wait instead.
            throw RPCError(
                .unavailable,
                "the gateway could not check the API key: tenancy did not reply within 5000 ms; retry shortly, "
                    + "and if it persists, check tenancy with mesh status",
                details: ["service": "tenancy", "cause": "DEADLINE_EXCEEDED"],
                retryAfterMs: 1_000,
                retryable: true
            )
        }
        guard let caller = Caller(json: result["caller"]) else {
            throw RPCError(.internal, "tenancy returned no caller for a verified key")
        }
        let verified = VerifiedKey(
            caller: caller,
            companyStatus: result["company_status"]?.stringValue ?? "active",
            companyTier: result["company_tier"]?.stringValue ?? "basic"
        )
        // A suspension can end on its own at a scheduled time, which tenancy's check applies, so the
        // refusal is not kept: the company's next call checks again.
        if verified.companyStatus != "suspended" {
            cache.store(hash: hash, key: verified)
        }
        return verified
    }

    // MARK: Scoping

    /// Fills in the caller's company when params name none and the method takes a `company_id`, and
    /// hides other companies: a user naming another company's id gets NOT_FOUND, the same error as for
    /// an id that does not exist.
    private func scope(_ params: JSONValue?, described: PublicMethod, caller: Caller) throws -> JSONValue? {
        guard caller.kind == .user, let own = caller.companyID else {
            return params
        }
        var members = params?.objectValue ?? [:]
        if params != nil && params?.objectValue == nil {
            return params
        }
        // A null company_id means the same as none, as for every optional member.
        if let named = members["company_id"], named != .null {
            guard let text = named.stringValue else {
                throw RPCError.invalidArgument(
                    field: "company_id",
                    "params.company_id: expected a string, not \(named.brief)")
            }
            guard text == own else {
                throw RPCError.notFound("company", text)
            }
            return params
        }
        guard described.acceptsCompanyID else {
            return params
        }
        members["company_id"] = .string(own)
        return .object(members)
    }

    // MARK: Method visibility

    /// Returns the methods that a call of `method`, whose area no service owns, may have meant. They are
    /// the built-ins, and the public methods of the service whose area is closest to the one typed
    /// ("Companies", "issue"). The gateway learns those within `budget` when it does not know them yet.
    private func suggestibleMethods(for method: String, withinMs budget: Int64?) async -> [String] {
        let area = String(method.prefix { $0 != "." })
        guard let meant = NameSuggestion.closest(to: area, among: GatewayRouter.areaServices.keys),
            let service = GatewayRouter.areaServices[meant],
            let known = try? await describedMethods(of: service, withinMs: budget)
        else {
            return RPCServer.builtInMethodNames
        }
        return known.filter { !$0.value.isInternal }.map(\.key) + RPCServer.builtInMethodNames
    }

    /// Rejects methods a service marks internal, so clients cannot reach event delivery or key checks,
    /// and returns what the service describes about `method`.
    private func requirePublic(_ method: String, on service: String, withinMs budget: Int64?) async throws
        -> PublicMethod
    {
        let known = try await describedMethods(of: service, withinMs: budget)
        if let described = known[method], described.isInternal {
            throw RPCError(
                .methodNotFound,
                "method '\(method)' is internal to the mesh and the gateway does not route it; an operator calls it "
                    + "on the service itself with mesh call --process \(service) \(method)",
                details: ["method": .string(method), "service": .string(service)]
            )
        }
        guard let described = known[method] else {
            let hint = NameSuggestion.hint(
                for: method, among: known.filter { !$0.value.isInternal }.keys + RPCServer.builtInMethodNames)
            throw RPCError(
                .methodNotFound,
                "method '\(method.clipped)' does not exist\(hint); rpc.describe on the gateway lists every public method",
                details: ["method": .string(method.clipped)]
            )
        }
        return described
    }

    /// Returns what `service` describes about its methods, asking it once, within `budget` milliseconds
    /// of the caller's.
    func describedMethods(of service: String, withinMs budget: Int64?) async throws -> [String: PublicMethod] {
        let connection = peers.client(service).connectionsMade
        if let cached = knownMethods.withLock({ $0[service] }), cached.connection == connection {
            return cached.methods
        }

        var meta = RequestMeta()
        meta.timeoutMs = budget ?? 5_000
        let description: JSONValue
        do {
            // Routing needs only each method's scope and param names, not the schemas.
            description = try await peers.call(service, "rpc.describe", params: ["schemas": false], meta: meta)
        } catch {
            // The message names what the gateway was waiting for, which the caller never asked for.
            let problem =
                error.status == .deadlineExceeded && budget != nil
                ? "the call's budget (meta.timeout_ms, or the gateway's default when the call sent none) ran "
                    + "out while the gateway was learning the methods of \(service), which it does on the first "
                    + "call after each new connection to it; check that \(service) is responsive (mesh status), or "
                    + "retry with a larger budget"
                : "the gateway could not learn the methods of \(service): \(error.message); check that \(service) "
                    + "is running (mesh status), then retry"
            var details: [String: JSONValue] = ["service": .string(service)]
            details["socket"] = error.details?["socket"]
            throw RPCError(
                error.status == .deadlineExceeded ? .deadlineExceeded : .unavailable, problem, details: .object(details)
            )
        }
        // A socket path that leads to another process (a link put there by hand) must not teach the gateway
        // that process's methods under this service's name.
        if let answered = description["service"]?.stringValue, answered != service {
            peers.reset(service)
            throw RPCError(
                .unavailable,
                "the socket of \(service) is served by \(answered.clipped), so the gateway cannot route calls to "
                    + "\(service); check \(service)'s socket in the mesh home's run folder (mesh status), then retry",
                details: ["service": .string(service), "served_by": .string(answered)]
            )
        }
        var found: [String: PublicMethod] = [:]
        for method in description["methods"]?.arrayValue ?? [] {
            guard let name = method["name"]?.stringValue, !name.hasPrefix("rpc."),
                let described = PublicMethod(describing: method)
            else {
                continue
            }
            found[name] = described
        }
        // The describe call itself may have connected again, so the count is read after it.
        let described = peers.client(service).connectionsMade
        knownMethods.withLock { $0[service] = (found, described) }
        return found
    }
}
