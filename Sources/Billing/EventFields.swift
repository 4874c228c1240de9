import MeshProtocol
import MeshRuntime
import TenantModel

/// Reads the payload members of an incoming event, rejecting one that lacks a required member.
///
/// A rejection is an `RPCError`, which the inbox logs and never retries: a malformed event will not
/// improve by being delivered again.
struct EventFields {
    let event: MeshEvent

    init(_ event: MeshEvent) {
        self.event = event
    }

    func string(_ name: String) throws(RPCError) -> String {
        guard let value = event.payload[name]?.stringValue, !value.isEmpty else {
            throw RPCError.invalidArgument(
                field: "payload.\(name)",
                "\(event.topic) event \(event.eventID) needs a non-empty string \(name) in its payload; the publisher must send it"
            )
        }
        return value
    }

    func optionalString(_ name: String) -> String? {
        event.payload[name]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
    }

    func tier(_ name: String) throws(RPCError) -> Tier {
        try Tier.parse(try string(name), field: "payload.\(name)")
    }

    /// Returns the time in the payload member `name`, or the event's creation time when it is absent.
    func time(_ name: String) -> Int64 {
        event.payload[name]?.intValue ?? event.createdAtMs
    }
}
