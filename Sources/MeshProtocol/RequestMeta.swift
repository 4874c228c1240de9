/// The `meta` member: the protocol's one extension of the JSON-RPC 2.0 request object.
public struct RequestMeta: Sendable, Hashable {
    /// The remaining budget in milliseconds, not a clock time. Each hop subtracts what it spent.
    public var timeoutMs: Int64?
    /// Makes a retried call return the first result instead of repeating its change.
    public var idempotencyKey: String?
    public var traceID: String?
    /// The API key of a client calling the gateway.
    public var apiKey: String?
    /// The verified caller, set by the gateway on calls to services.
    public var caller: JSONValue?
    /// Members this version does not know; kept and otherwise ignored, for forward compatibility.
    public var extra: [String: JSONValue] = [:]

    public init() {}

    /// Sets `timeoutMs` to `budget` in whole milliseconds. A budget already spent becomes 0, which the
    /// server rejects with DEADLINE_EXCEEDED without running the call. A positive budget under a
    /// millisecond becomes 1, since 0 would tell the server that no time is left at all.
    public mutating func setBudget(_ budget: Duration) {
        let milliseconds = budget.milliseconds
        timeoutMs = milliseconds == 0 && budget > .zero ? 1 : max(0, milliseconds)
    }

    public var isEmpty: Bool {
        timeoutMs == nil && idempotencyKey == nil && traceID == nil && apiKey == nil && caller == nil && extra.isEmpty
    }

    /// The wire object, or nil when no member is set.
    public var json: JSONValue? {
        guard !isEmpty else {
            return nil
        }
        var members = extra
        if let timeoutMs { members["timeout_ms"] = .int(timeoutMs) }
        if let idempotencyKey { members["idempotency_key"] = .string(idempotencyKey) }
        if let traceID { members["trace_id"] = .string(traceID) }
        if let apiKey { members["api_key"] = .string(apiKey) }
        if let caller { members["caller"] = caller }
        return .object(members)
    }

    /// Reads `meta` from a request, naming the member that has the wrong type.
    public init(json value: JSONValue) throws(RPCError) {
        guard case .object(let members) = value else {
            throw RPCError(.invalidRequest, "meta must be an object, not \(value.typeName)", details: ["field": "meta"])
        }
        // Sorted, so that of several bad members the same one is always reported.
        for key in members.keys.sorted() {
            let member = members[key]!
            switch key {
            case "timeout_ms":
                guard case .int(let milliseconds) = member, milliseconds >= 0 else {
                    throw RPCError(
                        .invalidRequest,
                        "meta.timeout_ms must be an integer number of milliseconds, 0 or more, written without a "
                            + "fraction or an exponent (500, not 500.0 or 5e2), not \(member.notIntegerText)",
                        details: ["field": "meta.timeout_ms"]
                    )
                }
                timeoutMs = milliseconds
            case "idempotency_key":
                // Counted in Unicode scalars so that every implementation counts the same way.
                // A key of spaces alone is almost surely a client's empty variable, so it is refused too.
                let received: String
                switch member {
                case .string(let text) where text.isEmpty:
                    received = "an empty string"
                case .string(let text) where text.unicodeScalars.count > 200:
                    received = "\(text.unicodeScalars.count) code points"
                case .string(let text) where !text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }):
                    received = "only white space"
                case .string(let text):
                    idempotencyKey = text
                    continue
                default:
                    received = member.brief
                }
                throw RPCError(
                    .invalidRequest,
                    "meta.idempotency_key must be a string of 1 to 200 Unicode code points, not only spaces; "
                        + "it is \(received)",
                    details: ["field": "meta.idempotency_key"]
                )
            case "trace_id":
                guard case .string(let text) = member else {
                    throw RPCError(
                        .invalidRequest, "meta.trace_id must be a string", details: ["field": "meta.trace_id"])
                }
                traceID = text
            case "api_key":
                guard case .string(let text) = member else {
                    throw RPCError(.invalidRequest, "meta.api_key must be a string", details: ["field": "meta.api_key"])
                }
                apiKey = text
            case "caller":
                guard case .object = member else {
                    throw RPCError(.invalidRequest, "meta.caller must be an object", details: ["field": "meta.caller"])
                }
                caller = member
            default:
                extra[key] = member
            }
        }
    }
}
