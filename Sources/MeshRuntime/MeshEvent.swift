import MeshProtocol
import MeshStore

/// A fact one service publishes for others: written to its outbox in the same transaction as the
/// change, then delivered to each subscriber by the relay.
public struct MeshEvent: Sendable {
    public let eventID: String
    public let topic: String
    public let payload: JSONValue
    public let createdAtMs: Int64
    /// The process that published it.
    public let source: String
    /// Its position in the publisher's outbox, which the subscriber's inbox keeps for pruning. Nil for
    /// an event that did not come from an outbox.
    public let seq: Int64?

    public init(
        eventID: String, topic: String, payload: JSONValue, createdAtMs: Int64, source: String, seq: Int64? = nil
    ) {
        self.eventID = eventID
        self.topic = topic
        self.payload = payload
        self.createdAtMs = createdAtMs
        self.source = source
        self.seq = seq
    }

    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "event_id": .string(eventID),
            "topic": .string(topic),
            "payload": payload,
            "created_at_ms": .int(createdAtMs),
            "source": .string(source),
        ]
        if let seq {
            members["seq"] = .int(seq)
        }
        return .object(members)
    }

    /// The members an event has on the wire.
    static let members: Set<String> = ["event_id", "topic", "payload", "created_at_ms", "source", "seq"]

    public init(json: JSONValue) throws(RPCError) {
        guard let object = json.objectValue else {
            throw RPCError.invalidArgument(field: "events[]", "each event must be an object, not \(json.brief)")
        }
        if let unknown = object.keys.sorted().first(where: { !Self.members.contains($0) }) {
            throw RPCError.invalidArgument(
                field: "events[].\(unknown.clipped)",
                "\(unknown.clipped) is not a member of an event; accepted: \(Self.members.sorted().joined(separator: ", "))"
            )
        }
        guard let eventID = json["event_id"]?.stringValue, !eventID.isEmpty else {
            throw RPCError.invalidArgument(
                field: "events[].event_id",
                "each event needs a non-empty string event_id, not \(Self.received(json["event_id"]))")
        }
        guard let topic = json["topic"]?.stringValue, !topic.isEmpty else {
            throw RPCError.invalidArgument(
                field: "events[].topic",
                "event \(eventID) needs a non-empty string topic, not \(Self.received(json["topic"]))")
        }
        guard let payload = json["payload"], case .object = payload else {
            throw RPCError.invalidArgument(
                field: "events[].payload",
                "event \(eventID) needs an object payload, not \(Self.received(json["payload"]))")
        }
        // A handler dates a change by the payload's time, or by the event's when the payload has none,
        // so an event without its time would be dated at the epoch.
        guard let createdAtMs = json["created_at_ms"]?.intValue, createdAtMs >= 0 else {
            throw RPCError.invalidArgument(
                field: "events[].created_at_ms",
                "event \(eventID) needs created_at_ms, the publisher's time in milliseconds since the epoch, not "
                    + Self.received(json["created_at_ms"]))
        }
        guard let source = json["source"]?.stringValue, !source.isEmpty else {
            throw RPCError.invalidArgument(
                field: "events[].source",
                "event \(eventID) needs source, the name of its publisher such as tenancy, not \(Self.received(json["source"]))"
            )
        }
        self.eventID = eventID
        self.topic = topic
        self.payload = payload
        self.createdAtMs = createdAtMs
        self.source = source
        if let seq = json["seq"], seq != .null {
            guard let number = seq.intValue, number >= 1 else {
                throw RPCError.invalidArgument(
                    field: "events[].seq",
                    "event \(eventID) needs a seq of 1 or more, or none, not \(seq.notIntegerText)")
            }
            self.seq = number
        } else {
            self.seq = nil
        }
    }
}

extension MeshEvent {
    /// Describes a member's value for a message: the value, or "nothing" when it is absent.
    fileprivate static func received(_ value: JSONValue?) -> String {
        value.map { $0.notIntegerText } ?? "nothing"
    }
}

extension Connection {
    /// Appends an event to this database's outbox; call it inside the write that makes the change.
    ///
    /// - Throws: RESOURCE_EXHAUSTED when the payload is larger than the store's event limit, which
    ///   follows the frame limit. The relay could never deliver such an event, and every later event
    ///   for its subscribers would wait behind it, so the write that makes it fails instead.
    @discardableResult
    public func publish(_ topic: String, _ payload: JSONValue, atMs: Int64) throws -> String {
        let text = JSONWriter.string(payload)
        try requireFrameRoom(for: text.utf8.count, what: "an event", of: ("topic", topic))

        let eventID = Identifier.make(prefix: "evt")
        _ = try appendOutbox(eventID: eventID, topic: topic, payload: text, createdAtMs: atMs)
        return eventID
    }

    /// Throws RESOURCE_EXHAUSTED when a stored record of `size` bytes, `what` (an event, an audit entry)
    /// of `kind`, would not fit a frame of its own under this process's frame limit. A reader of the
    /// record, which gets at least one per page or delivery, could never receive it.
    public func requireFrameRoom(for size: Int, what: String, of kind: (name: String, value: String)) throws(RPCError) {
        guard size > maximumEventPayloadBytes else {
            return
        }
        throw RPCError(
            .resourceExhausted,
            "this change makes \(what) of \(size) bytes (\(kind.value)), more than the \(maximumEventPayloadBytes) "
                + "that fit a frame of MESH_MAX_FRAME_BYTES, so it was not made; make a smaller change "
                + "(shorter values, fewer at once) or raise MESH_MAX_FRAME_BYTES for the mesh",
            details: [
                "limit": .int(Int64(maximumEventPayloadBytes)), "size": .int(Int64(size)),
                kind.name: .string(kind.value),
            ],
            retryable: false
        )
    }
}

extension RPCError {
    /// Returns the error of an invalid event with the event's position in the batch: `events[].source`
    /// becomes `events[2].source`, and the message starts with `events[2]: `.
    func atEvent(_ index: Int) -> RPCError {
        var error = self
        error.message = "events[\(index)]: " + message
        if var details = details?.objectValue, let field = details["field"]?.stringValue {
            details["field"] = .string(field.replacingOccurrences(of: "events[]", with: "events[\(index)]"))
            error.details = .object(details)
        }
        return error
    }
}
