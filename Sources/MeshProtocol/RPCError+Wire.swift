extension RPCError {
    /// The JSON-RPC error object: `code`, `message`, and `data` with the status name, whether a retry
    /// can succeed, and the optional retry delay and details.
    public var wireObject: JSONValue {
        var data: [String: JSONValue] = ["status": .string(status.name), "retryable": .bool(retryable)]
        if let retryAfterMs {
            data["retry_after_ms"] = .int(retryAfterMs)
        }
        if let details {
            data["details"] = details
        }
        return ["code": .int(Int64(status.code)), "message": .string(message), "data": .object(data)]
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
