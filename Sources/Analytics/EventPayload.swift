import MeshProtocol
import MeshRuntime
import TenantModel

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
        get throws(RPCError) { try int("at_ms") ?? event.createdAtMs }
    }

    /// Returns member `member` when it is a non-empty string, and nil when it is absent, null or empty.
    /// Throws for any other value, so that a mistyped member is rejected rather than read as missing.
    func string(_ member: String) throws(RPCError) -> String? {
        try string(member, expected: "a string or null")
    }

    private func string(_ member: String, expected: String) throws(RPCError) -> String? {
        guard let value = event.payload[member], value != .null else {
            return nil
        }
        guard let text = value.stringValue else {
            throw invalid(member, expected: expected)
        }
        return text.isEmpty ? nil : text
    }

    /// Returns member `member` when it is an integer, and nil when it is absent or null. Throws for any
    /// other value.
    func int(_ member: String) throws(RPCError) -> Int64? {
        try int(member, expected: "an integer or null")
    }

    private func int(_ member: String, expected: String) throws(RPCError) -> Int64? {
        guard let value = event.payload[member], value != .null else {
            return nil
        }
        guard let number = value.intValue else {
            throw invalid(member, expected: expected)
        }
        // A time member below zero is a date before 1970, which no publisher sends.
        if member.hasSuffix("_ms") && number < 0 {
            throw invalid(member, expected: "milliseconds since 1970, 0 or more")
        }
        return number
    }

    /// Returns member `role` when it names a role, and nil when it is absent or null.
    func role() throws(RPCError) -> String? {
        guard let name = try string("role") else {
            return nil
        }
        guard Role(rawValue: name) != nil else {
            let roles = Role.allCases.map(\.rawValue).joined(separator: ", ")
            throw invalid("role", expected: "one of \(roles)")
        }
        return name
    }

    func requireString(_ member: String) throws(RPCError) -> String {
        guard let text = try string(member, expected: "a non-empty string") else {
            throw invalid(member, expected: "a non-empty string")
        }
        return text
    }

    func requireInt(_ member: String) throws(RPCError) -> Int64 {
        guard let number = try int(member, expected: "an integer") else {
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
