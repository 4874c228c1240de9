/// A stable status name carried in every error, with its JSON-RPC error code.
///
/// The names follow gRPC's status codes so that clients can branch on them; the numeric codes use
/// JSON-RPC 2.0's reserved codes for envelope problems and the server range (-32000 to -32099) for
/// domain outcomes. The table is part of the protocol specification and must not change.
public struct RPCStatus: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public let code: Int
    /// Whether a client may retry the same call unchanged and expect it to succeed later.
    public let retryable: Bool

    public init(name: String, code: Int, retryable: Bool) {
        self.name = name
        self.code = code
        self.retryable = retryable
    }

    public var description: String { name }

    public static let parseError = RPCStatus(name: "PARSE_ERROR", code: -32700, retryable: false)
    public static let invalidRequest = RPCStatus(name: "INVALID_REQUEST", code: -32600, retryable: false)
    public static let methodNotFound = RPCStatus(name: "METHOD_NOT_FOUND", code: -32601, retryable: false)
    public static let invalidArgument = RPCStatus(name: "INVALID_ARGUMENT", code: -32602, retryable: false)
    public static let `internal` = RPCStatus(name: "INTERNAL", code: -32603, retryable: false)

    public static let unauthenticated = RPCStatus(name: "UNAUTHENTICATED", code: -32001, retryable: false)
    public static let cancelled = RPCStatus(name: "CANCELLED", code: -32002, retryable: false)
    public static let permissionDenied = RPCStatus(name: "PERMISSION_DENIED", code: -32003, retryable: false)
    public static let notFound = RPCStatus(name: "NOT_FOUND", code: -32004, retryable: false)
    public static let deadlineExceeded = RPCStatus(name: "DEADLINE_EXCEEDED", code: -32005, retryable: true)
    public static let alreadyExists = RPCStatus(name: "ALREADY_EXISTS", code: -32006, retryable: false)
    public static let resourceExhausted = RPCStatus(name: "RESOURCE_EXHAUSTED", code: -32008, retryable: false)
    public static let failedPrecondition = RPCStatus(name: "FAILED_PRECONDITION", code: -32009, retryable: false)
    public static let aborted = RPCStatus(name: "ABORTED", code: -32010, retryable: true)
    public static let unavailable = RPCStatus(name: "UNAVAILABLE", code: -32014, retryable: true)

    /// Every status of the protocol, in code order.
    public static let all: [RPCStatus] = [
        .parseError, .invalidRequest, .methodNotFound, .invalidArgument, .internal,
        .unauthenticated, .cancelled, .permissionDenied, .notFound, .deadlineExceeded, .alreadyExists,
        .resourceExhausted, .failedPrecondition, .aborted, .unavailable,
    ]

    /// Looks a status up by its stable name.
    public static func named(_ name: String) -> RPCStatus? {
        all.first { $0.name == name }
    }
}
