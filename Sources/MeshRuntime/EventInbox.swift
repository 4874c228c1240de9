import MeshProtocol
import MeshStore

/// Applies an event inside the subscriber's write transaction. Throwing an `RPCError` rejects the event
/// for good (it is logged and not retried); any other error fails the delivery so it is retried.
public typealias EventHandler = @Sendable (MeshEvent, Connection) throws -> Void

/// Builds the `events.deliver` method of a subscriber: each event's effect and its inbox record commit
/// together, so a repeated delivery changes nothing.
enum EventInbox {
    struct DeliverResult: Codable, Sendable {
        let applied: Int
        let duplicates: Int
        let rejected: Int
        /// The rejected events with their errors, in the order sent.
        let rejections: [Rejection]
        /// Events of topics this process takes no part in: recorded as received, and otherwise skipped.
        let ignored: Int
        /// Those events' topics, each once, sorted, so that a mistyped topic shows.
        let ignoredTopics: [String]

        enum CodingKeys: String, CodingKey {
            case applied, duplicates, rejected, rejections, ignored
            case ignoredTopics = "ignored_topics"
        }
    }

    /// An event that a handler rejected for good, with the error it gave.
    struct Rejection: Codable, Sendable, MemberSchemaProviding {
        let eventID: String
        let topic: String
        let status: String
        let message: String
        let details: JSONValue?

        enum CodingKeys: String, CodingKey {
            case eventID = "event_id"
            case topic, status, message, details
        }

        static var memberSchemas: [String: JSONValue] {
            [CodingKeys.details.rawValue: ["type": ["object", "null"]]]
        }
    }

    /// - Parameter recipient: this process's name. A delivery whose `to` names another process is
    ///   rejected, so events that reach the wrong process (its socket path leads elsewhere) are not
    ///   recorded here as received, and wait in the publisher's outbox instead.
    static func register(
        into methods: inout MethodTable,
        recipient: String,
        handlers: [String: EventHandler],
        store: Database,
        clock: MeshClock,
        afterCommit: @escaping @Sendable () -> Void
    ) {
        let descriptor = MethodDescriptor(
            name: "events.deliver",
            summary: "Applies events from another process's outbox, each exactly once.",
            scope: .internal,
            paramsSchema: [
                "type": "object",
                "properties": [
                    "events": ["type": "array", "items": ["type": "object"]],
                    "delivered_through": ["type": ["integer", "null"], "minimum": 0],
                    "to": ["type": "string"],
                ],
                "required": ["events"],
                "additionalProperties": false,
            ],
            resultSchema: SchemaRecorder.schema(for: DeliverResult.self)
        )
        methods.add(descriptor) { params, context in
            _ = try context.requireRoot()
            if let members = params?.objectValue {
                try MethodTable.rejectUnknownMembers(
                    members, known: ["events", "delivered_through", "to"], method: "events.deliver")
            }
            guard let list = params?["events"]?.arrayValue else {
                let received = params?["events"].map { ", not \($0.brief)" } ?? ""
                throw RPCError.invalidArgument(
                    field: "events", "events.deliver needs params {\"events\": [...]}, a list of events\(received)")
            }
            if let to = params?["to"], to != .string(recipient) {
                guard let name = to.stringValue, MeshHome.processNames.contains(name) else {
                    let hint = to.stringValue.map { NameSuggestion.hint(for: $0, among: MeshHome.processNames) } ?? ""
                    throw RPCError.invalidArgument(
                        field: "to",
                        "to must name the process the events are for, such as \"\(recipient)\", not \(to.brief)\(hint)")
                }
                throw RPCError(
                    .failedPrecondition,
                    "events for \(name.clipped) reached \(recipient), so none were applied; the socket path that the "
                        + "publisher uses for \(name.clipped) leads to this process, so check that path in the mesh "
                        + "home's run folder",
                    details: ["to": to, "recipient": .string(recipient)]
                )
            }
            var events: [MeshEvent] = []
            for (index, item) in list.enumerated() {
                do throws(RPCError) {
                    events.append(try MeshEvent(json: item))
                } catch {
                    throw error.atEvent(index)
                }
            }
            let prune = try pruning(params, events: events)

            let now = clock.nowMs()
            let logger = context.logger
            let received = events
            let result = try await store.write { connection in
                var applied = 0
                var duplicates = 0
                var rejections: [Rejection] = []
                var ignoredTopics: [String] = []
                for event in received {
                    // The batch's cursor covers this event, so it was delivered before. Its inbox row may be
                    // pruned, which leaves the cursor as the only record of the repeat. Only the batch's own
                    // cursor counts: a publisher restored from a backup numbers new events again from an
                    // older cursor, and a cursor kept from before would drop them.
                    if let prune, event.source == prune.source, let seq = event.seq, seq <= prune.through {
                        duplicates += 1
                        continue
                    }
                    let isNew = try connection.recordInbox(
                        eventID: event.eventID, topic: event.topic, atMs: now, source: event.source, seq: event.seq)
                    guard isNew else {
                        duplicates += 1
                        continue
                    }
                    guard let handler = handlers[event.topic] else {
                        ignoredTopics.append(event.topic)
                        continue
                    }
                    do {
                        try connection.savepoint("event") {
                            try handler(event, connection)
                        }
                        applied += 1
                    } catch let error as RPCError {
                        rejections.append(
                            Rejection(
                                eventID: event.eventID, topic: event.topic, status: error.status.name,
                                message: error.message, details: error.details))
                        logger.error(
                            "event.rejected",
                            ["event": event.eventID, "topic": event.topic, "error": error.description])
                    }
                }
                if let prune {
                    try connection.pruneInbox(source: prune.source, deliveredThrough: prune.through)
                }
                return DeliverResult(
                    applied: applied, duplicates: duplicates, rejected: rejections.count, rejections: rejections,
                    ignored: ignoredTopics.count, ignoredTopics: Set(ignoredTopics).sorted())
            }
            afterCommit()
            return try JSONValue(encoding: result)
        }
    }

    /// Returns the publisher and the cursor (`delivered_through`) up to which its inbox rows may be
    /// deleted. Returns nil without a cursor, or when the events name several publishers.
    private static func pruning(_ params: JSONValue?, events: [MeshEvent]) throws(RPCError) -> (
        source: String, through: Int64
    )? {
        guard let value = params?["delivered_through"], value != .null else {
            return nil
        }
        guard let through = value.intValue, through >= 0 else {
            throw RPCError.invalidArgument(
                field: "delivered_through", "delivered_through must be the publisher's cursor, an integer of 0 or more")
        }

        let sources = Set(events.map(\.source))
        guard sources.count == 1, let source = sources.first else {
            return nil
        }
        return (source, through)
    }
}
