import MeshProtocol

/// The facts about one call that a handler receives: method, ids, meta, caller, deadline and peers.
public struct MethodContext: Sendable {
    public let method: String
    public let requestID: RPCID?
    public let meta: RequestMeta
    public let caller: Caller?
    /// When the caller stops waiting; work past it is abandoned with DEADLINE_EXCEEDED.
    public let deadline: ContinuousClock.Instant?
    /// The process's logger with this request's method and trace id, built only when used.
    public var logger: Logger {
        baseLogger.with(["method": method, "trace": meta.traceID ?? "-"])
    }
    private let baseLogger: Logger
    public let clock: MeshClock
    public let peers: PeerDirectory

    public init(
        method: String,
        requestID: RPCID?,
        meta: RequestMeta,
        caller: Caller?,
        deadline: ContinuousClock.Instant?,
        logger: Logger,
        clock: MeshClock,
        peers: PeerDirectory
    ) {
        self.method = method
        self.requestID = requestID
        self.meta = meta
        self.caller = caller
        self.deadline = deadline
        self.baseLogger = logger
        self.clock = clock
        self.peers = peers
    }

    /// The budget left before the deadline, for passing downstream; nil when the call has no deadline.
    public var remaining: Duration? {
        deadline.map { $0 - .now }
    }

    /// Returns the verified caller, or throws UNAUTHENTICATED when the call came without one.
    public func requireCaller() throws(RPCError) -> Caller {
        guard let caller else {
            // A caller member that could not be read is named, so that its author can find the mistake.
            let sent = meta.caller.flatMap { Caller(json: $0) == nil ? $0 : nil }.map {
                "; meta.caller \($0.brief) is not a caller: it needs kind root, user or service, and a user "
                    + "needs company_id, user_id and role"
            }
            throw RPCError(
                .unauthenticated,
                "\(method) needs an authenticated caller; call it through the gateway with an API key, or on the "
                    + "service's own socket with meta.caller set (mesh call --process, MeshClient.service)"
                    + (sent ?? "")
            )
        }
        return caller
    }

    public func requireRoot() throws(RPCError) -> Caller {
        let caller = try requireCaller()
        guard caller.isPrivileged else {
            throw RPCError(.permissionDenied, "\(method) is reserved for platform operators (the root key)")
        }
        return caller
    }

    /// Checks that the caller may act on `companyID`: root and mesh processes on any company, users on
    /// their own only. Another company's id is reported as NOT_FOUND, so ids of other tenants leak nothing.
    @discardableResult
    public func requireCompany(_ companyID: String) throws(RPCError) -> Caller {
        guard !companyID.isEmpty else {
            throw RPCError.invalidArgument(
                field: "company_id", "\(method) needs company_id, the id of the company (for example cmp_...)")
        }
        let caller = try requireCaller()
        if caller.isPrivileged || caller.companyID == companyID {
            return caller
        }
        throw RPCError.notFound("company", companyID)
    }

    /// Meta for a call this handler makes to another process: same trace, shrunken budget, caller kept.
    ///
    /// The budget passed on keeps back a tenth of what remains, at most 250 ms. When a process does not
    /// reply, the downstream call then runs out first, and this handler can still reply naming it.
    public func downstreamMeta(caller: Caller? = nil) -> RequestMeta {
        var next = RequestMeta()
        next.traceID = meta.traceID
        next.caller = (caller ?? self.caller)?.json
        next.timeoutMs = downstreamBudgetMs
        return next
    }

    /// The budget, in milliseconds, for a call this handler makes: what remains less the part kept back
    /// (a tenth, at most 250 ms). Nil when the request has no deadline.
    public var downstreamBudgetMs: Int64? {
        remaining.map { remaining in
            let milliseconds = max(0, remaining.milliseconds)
            return milliseconds - min(milliseconds / 10, 250)
        }
    }
}
