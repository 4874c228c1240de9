extension RPCError {
    /// The JSON-RPC error object: `code`, `message`, and `data` with the status name, whether a retry
    /// can succeed, and the optional retry delay and details.
    public var wireObject: JSONValue {
        var data: [String: JSONValue] = ["status": .string(status.name), "retryable": .bool(retryable)]
        if let retryAfterMs {
            data["retry_after_ms"] = .int(retryAfterMs)
        }
        if let details {
            data["details"] = Self.bounded(details)
        }
        let text = message.clipped(to: Self.maximumMessageBytes).displaySafe
        return ["code": .int(Int64(status.code)), "message": .string(text), "data": .object(data)]
    }

    /// The maximum bytes of a message on the wire. Messages quote values the client sent, and a reply
    /// must stay small however large those values were.
    static let maximumMessageBytes = 4_096
    /// The maximum bytes of one string, and elements of one list, in `details` on the wire.
    static let maximumDetailBytes = 1_024
    static let maximumDetailElements = 100

    /// Returns `value` with long strings clipped and long lists cut, at any depth.
    private static func bounded(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text):
            return .string(text.clipped(to: maximumDetailBytes))
        case .array(let elements):
            return .array(elements.prefix(maximumDetailElements).map(bounded))
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for (key, member) in members {
                result[key.clipped] = bounded(member)
            }
            return .object(result)
        default:
            return value
        }
    }

    /// Reads an error object. An unknown status name falls back to the status of its code, then INTERNAL.
    public init(wire: JSONValue) {
        let code = wire["code"]?.intValue.map(Int.init)
        let data = wire["data"]
        let status =
            data?["status"]?.stringValue.flatMap(RPCStatus.named)
            ?? RPCStatus.all.first { $0.code == code }
            ?? .internal
        self.init(
            status,
            wire["message"]?.stringValue ?? "no message",
            details: data?["details"],
            retryAfterMs: data?["retry_after_ms"]?.intValue,
            retryable: data?["retryable"]?.boolValue
        )
    }
}
