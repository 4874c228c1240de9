/// One decoded request or notification.
public struct RPCRequest: Sendable {
    /// Nil for a notification, which gets no reply.
    public var id: RPCID?
    public var method: String
    /// An object or an array, or nil when absent.
    public var params: JSONValue?
    public var meta: RequestMeta

    public init(id: RPCID?, method: String, params: JSONValue? = nil, meta: RequestMeta = RequestMeta()) {
        self.id = id
        self.method = method
        self.params = params
        self.meta = meta
    }

    public var isNotification: Bool { id == nil }
}

/// One decoded response: a result or an error for the request with `id`.
public struct RPCResponse: Sendable {
    public var id: RPCID?
    public var outcome: Result<JSONValue, RPCError>

    public init(id: RPCID?, outcome: Result<JSONValue, RPCError>) {
        self.id = id
        self.outcome = outcome
    }
}

/// What one frame carried: a single request or a batch whose members were checked one by one.
public enum RPCIncoming: Sendable {
    case single(RPCRequest)
    case batch([Result<RPCRequest, RPCEnvelopeFailure>])
}

/// A request that could not be accepted, with the id to answer when it could be read.
public struct RPCEnvelopeFailure: Error, Sendable {
    public var id: RPCID?
    public var error: RPCError

    public init(id: RPCID?, error: RPCError) {
        self.id = id
        self.error = error
    }
}
