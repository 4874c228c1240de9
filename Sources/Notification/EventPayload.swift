import MeshProtocol
import MeshRuntime

/// Reads the members of an event payload, turning a missing or mistyped member into an error that names
/// the event and the member. Such an event can never apply, so the inbox records it as rejected.
struct EventPayload {
    let event: MeshEvent
    let value: JSONValue
    /// The path of `value` inside the payload, for messages: "payload" or "payload.owner".
    let path: String

    init(_ event: MeshEvent) {
        self.event = event
        self.value = event.payload
        self.path = "payload"
    }

    private init(event: MeshEvent, value: JSONValue, path: String) {
        self.event = event
        self.value = value
        self.path = path
    }

    func string(_ key: String) throws(RPCError) -> String {
        guard let text = value[key]?.stringValue, !text.isEmpty else {
            throw missing(key, "a non-empty string")
        }
        return text
    }

    /// Returns member `key` when it is a string, nil when it is absent or null, and throws for any
    /// other value, so a mistyped member is rejected rather than read as missing.
    func optionalString(_ key: String) throws(RPCError) -> String? {
        try optional(key, "a string or null") { $0.stringValue }
    }

    func int(_ key: String) throws(RPCError) -> Int64 {
        guard let number = value[key]?.intValue else {
            throw missing(key, "an integer")
        }
        try requireTime(key, number)
        return number
    }

    /// Throws for a time member (`*_ms`) below zero, a date before 1970 that no publisher sends.
    private func requireTime(_ key: String, _ number: Int64) throws(RPCError) {
        if key.hasSuffix("_ms") && number < 0 {
            throw missing(key, "milliseconds since 1970, 0 or more")
        }
    }

    /// Returns member `key` as a count: an integer of zero or more.
    func count(_ key: String) throws(RPCError) -> Int64 {
        guard let number = value[key]?.intValue, number >= 0 else {
            throw missing(key, "a count of zero or more")
        }
        return number
    }

    func optionalInt(_ key: String) throws(RPCError) -> Int64? {
        let number = try optional(key, "an integer or null") { $0.intValue }
        if let number {
            try requireTime(key, number)
        }
        return number
    }

    func optionalBool(_ key: String) throws(RPCError) -> Bool? {
        try optional(key, "true, false or null") { $0.boolValue }
    }

    func object(_ key: String) throws(RPCError) -> EventPayload {
        guard let member = value[key], case .object = member else {
            throw missing(key, "an object")
        }
        return EventPayload(event: event, value: member, path: path + "." + key)
    }

    func optionalObject(_ key: String) throws(RPCError) -> EventPayload? {
        guard try optional(key, "an object or null", { $0.objectValue }) != nil, let member = value[key] else {
            return nil
        }
        return EventPayload(event: event, value: member, path: path + "." + key)
    }

    /// Returns the instant the event describes: member `key` when present, else the publishing time.
    func instant(_ key: String) throws(RPCError) -> Int64 {
        try optionalInt(key) ?? event.createdAtMs
    }

    /// Reads member `key` with `read`: nil when the member is absent or null, and an error naming
    /// `expected` when `read` finds no value in it.
    private func optional<Value>(_ key: String, _ expected: String, _ read: (JSONValue) -> Value?) throws(RPCError)
        -> Value?
    {
        guard let member = value[key], member != .null else {
            return nil
        }
        guard let result = read(member) else {
            throw missing(key, expected)
        }
        return result
    }

    func field(_ key: String) -> String {
        path + "." + key
    }

    private func missing(_ key: String, _ expected: String) -> RPCError {
        let found = value[key].map { $0.brief } ?? "nothing"
        return RPCError.invalidArgument(
            field: field(key),
            "event \(event.eventID) (\(event.topic)) needs \(expected) at \(field(key)) but has \(found); "
                + "the publisher must send it"
        )
    }
}
