import MeshProtocol
import MeshStore

/// Encodes an `events.deliver` request straight from outbox rows.
///
/// Each payload is stored as the JSON text that `publish` wrote, so it is copied into the request
/// as it is, instead of being parsed into a `JSONValue` and written out again for every subscriber.
public enum EventDelivery {
    /// The room a delivery request of one event takes besides its payload: the envelope, `meta`, and the
    /// event's own members, with ample margin.
    static let requestOverheadBytes = 4_096

    /// Returns the largest event payload that a delivery request of that one event carries within a
    /// frame of `frameBytes`.
    public static func maximumPayloadBytes(frameBytes: Int) -> Int {
        frameBytes - requestOverheadBytes
    }

    /// - Parameter deliveredThrough: the subscriber's cursor in the outbox. Every event up to it has been
    ///   delivered and recorded, so the subscriber may forget them.
    /// - Parameter recipient: the subscriber's name, sent as `to` so that a process reached by mistake
    ///   rejects the batch.
    static func encodeRequest(
        id: Int64,
        events: [OutboxEvent],
        source: String,
        recipient: String? = nil,
        deliveredThrough: Int64,
        meta: RequestMeta
    ) -> [UInt8] {
        RPCEnvelope.encodeRequest(id: .int(id), method: "events.deliver", meta: meta) { output in
            output.append(contentsOf: #"{"delivered_through":"#.utf8)
            JSONWriter.appendInteger(deliveredThrough, to: &output)
            output.append(contentsOf: #","events":["#.utf8)
            for (position, event) in events.enumerated() {
                if position > 0 {
                    output.append(UInt8(ascii: ","))
                }
                append(event, source: source, to: &output)
            }
            output.append(UInt8(ascii: "]"))
            if let recipient {
                output.append(contentsOf: #","to":"#.utf8)
                JSONWriter.appendString(recipient, to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Writes one event with the members of `MeshEvent.json`, in the same sorted order.
    private static func append(_ event: OutboxEvent, source: String, to output: inout [UInt8]) {
        output.append(contentsOf: #"{"created_at_ms":"#.utf8)
        JSONWriter.appendInteger(event.createdAtMs, to: &output)
        output.append(contentsOf: #","event_id":"#.utf8)
        JSONWriter.appendString(event.eventID, to: &output)
        output.append(contentsOf: #","payload":"#.utf8)
        appendPayload(event.payload, to: &output)
        output.append(contentsOf: #","seq":"#.utf8)
        JSONWriter.appendInteger(event.seq, to: &output)
        output.append(contentsOf: #","source":"#.utf8)
        JSONWriter.appendString(source, to: &output)
        output.append(contentsOf: #","topic":"#.utf8)
        JSONWriter.appendString(event.topic, to: &output)
        output.append(UInt8(ascii: "}"))
    }

    /// Copies a stored payload, which `publish` always writes as an object, so only its first and last
    /// bytes are checked. Other text is parsed and written again, or becomes `{}` when it is no object.
    private static func appendPayload(_ text: String, to output: inout [UInt8]) {
        let bytes = text.utf8
        if bytes.first == UInt8(ascii: "{") && bytes.last == UInt8(ascii: "}") {
            output.append(contentsOf: bytes)
            return
        }
        let payload = (try? JSONParser.parse(text)).flatMap { $0.objectValue.map(JSONValue.object) } ?? [:]
        JSONWriter.append(payload, to: &output)
    }
}
