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

    /// How far past billing's clock an event's time may lie and still count as now: the processes of a
    /// mesh read one clock, so only a small skew between their readings is expected.
    static let clockSkewMs: Int64 = 5 * 60 * 1_000

    /// Returns the time in the payload member `name`, or the event's creation time when it is absent.
    ///
    /// A time later than `nowMs` by at most `clockSkewMs` is taken as `nowMs`, so no period is invoiced
    /// before it ends. A later one is rejected: billing would otherwise invoice periods that have not
    /// yet begun.
    func time(_ name: String, notAfter nowMs: Int64) throws(RPCError) -> Int64 {
        let value = event.payload[name]
        if let value, (value.intValue ?? -1) < 0 {
            throw RPCError.invalidArgument(
                field: "payload.\(name)",
                "\(event.topic) event \(event.eventID) has \(name) \(value.notIntegerText), which is not an integer of 0 or more; it must be milliseconds since 1970 (UTC), or absent to use the event's created_at_ms"
            )
        }

        let milliseconds = value?.intValue ?? event.createdAtMs
        guard milliseconds <= nowMs + Self.clockSkewMs else {
            throw RPCError.invalidArgument(
                field: "payload.\(name)",
                "\(event.topic) event \(event.eventID) is dated \(UTCTime.iso8601(milliseconds: milliseconds)), after billing's clock (\(UTCTime.iso8601(milliseconds: nowMs))); send it under a new event_id once the clock has reached that time, or dated now (this id is used up)"
            )
        }
        return min(milliseconds, nowMs)
    }
}
