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

    func optionalString(_ key: String) -> String? {
        value[key]?.stringValue
    }

    func int(_ key: String) throws(RPCError) -> Int64 {
        guard let number = value[key]?.intValue else {
            throw missing(key, "an integer")
        }
        return number
    }

    func optionalInt(_ key: String) -> Int64? {
        value[key]?.intValue
    }

    func optionalBool(_ key: String) -> Bool? {
        value[key]?.boolValue
    }

    func object(_ key: String) throws(RPCError) -> EventPayload {
        guard let member = value[key], case .object = member else {
            throw missing(key, "an object")
        }
        return EventPayload(event: event, value: member, path: path + "." + key)
    }

    func optionalObject(_ key: String) -> EventPayload? {
        guard let member = value[key], case .object = member else {
            return nil
        }
        return EventPayload(event: event, value: member, path: path + "." + key)
    }

    /// Returns the instant the event describes: member `key` when present, else the publishing time.
    func instant(_ key: String) -> Int64 {
        optionalInt(key) ?? event.createdAtMs
    }

    func field(_ key: String) -> String {
        path + "." + key
    }

    private func missing(_ key: String, _ expected: String) -> RPCError {
        let found = value[key].map { "a \($0.typeName)" } ?? "nothing"
        return RPCError.invalidArgument(
            field: field(key),
            "event \(event.eventID) (\(event.topic)) needs \(expected) at \(field(key)) but has \(found); "
                + "the publisher must send it"
        )
    }
}
