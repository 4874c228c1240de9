/// An error as it travels in a JSON-RPC error object.
///
/// On the wire: `{"code": <status.code>, "message": ..., "data": {"status": <status.name>,
/// "retryable": ..., "retry_after_ms": ..., "details": ...}}`.
public struct RPCError: Error, Sendable, Hashable, CustomStringConvertible {
    public var status: RPCStatus
    /// A sentence that says what failed, on which value, and what to do next.
    public var message: String
    public var retryable: Bool
    /// How long a client should wait before retrying, when the server knows.
    public var retryAfterMs: Int64?
    /// Structured facts about the failure, for example the field that was invalid.
    public var details: JSONValue?

    public init(
        _ status: RPCStatus,
        _ message: String,
        details: JSONValue? = nil,
        retryAfterMs: Int64? = nil,
        retryable: Bool? = nil
    ) {
        self.status = status
        self.message = message
        self.details = details
        self.retryAfterMs = retryAfterMs
        self.retryable = retryable ?? status.retryable
    }

    public var description: String { "\(status.name): \(message)" }
}

extension RPCError {
    public static func invalidArgument(field: String, _ message: String) -> RPCError {
        RPCError(.invalidArgument, message, details: ["field": .string(field)])
    }

    /// Returns NOT_FOUND for the `kind` (team, user, ...) with id `identifier`. An empty id names
    /// nothing, and "team '' was not found" would read like a lookup that missed, so that is
    /// INVALID_ARGUMENT instead.
    public static func notFound(_ kind: String, _ identifier: String) -> RPCError {
        guard !identifier.isEmpty else {
            return RPCError(
                .invalidArgument, "the \(kind) id is empty; pass the id of a \(kind)",
                details: ["kind": .string(kind), "id": ""])
        }
        let hint =
            kind == "company"
            ? "; no company has this id, it was deleted, or the caller's API key belongs to another company, so check the id"
            : "; check the id (another company's ids are not found either)"
        return RPCError(
            .notFound,
            "\(kind) '\(identifier.clipped)' was not found\(hint)",
            details: ["kind": .string(kind), "id": .string(identifier.clipped)]
        )
    }
}
