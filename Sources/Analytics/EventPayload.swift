import MeshProtocol
import MeshRuntime

/// Typed reads of one event's payload. A missing or mistyped required member throws INVALID_ARGUMENT
/// naming the event, the member and what was expected, which rejects the event for good.
struct EventPayload {
    let event: MeshEvent

    init(_ event: MeshEvent) {
        self.event = event
    }

    var companyID: String {
        get throws(RPCError) { try requireString("company_id") }
    }

    /// The time the fact happened: `at_ms`, else the publisher's time of the event.
    var atMs: Int64 {
        int("at_ms") ?? event.createdAtMs
    }

    func string(_ member: String) -> String? {
        guard let text = event.payload[member]?.stringValue, !text.isEmpty else {
            return nil
        }
        return text
    }

    func int(_ member: String) -> Int64? {
        event.payload[member]?.intValue
    }

    func requireString(_ member: String) throws(RPCError) -> String {
        guard let text = string(member) else {
            throw invalid(member, expected: "a non-empty string")
        }
        return text
    }

    func requireInt(_ member: String) throws(RPCError) -> Int64 {
        guard let number = int(member) else {
            throw invalid(member, expected: "an integer")
        }
        return number
    }

    func invalid(_ member: String, expected: String) -> RPCError {
        let found = event.payload[member].map { $0.brief } ?? "nothing"
        return RPCError(
            .invalidArgument,
            "\(event.topic) event \(event.eventID) needs payload.\(member) as \(expected) but has \(found); the publisher must send it",
            details: ["field": .string("payload.\(member)"), "event_id": .string(event.eventID)]
        )
    }
}
