import MeshProtocol
import MeshRuntime
import MeshStore

/// The append-only record of who changed what in a company, read back by `audit.list`.
public enum AuditLog {
    /// Appends one entry; call it inside the write that makes the change.
    ///
    /// - Parameters:
    ///   - before: the target's state before the change, nil for a creation.
    ///   - after: the target's state after the change, nil for a removal.
    public static func record(
        connection: Connection,
        companyID: String,
        actor: Caller,
        action: String,
        targetType: String,
        targetID: String,
        before: JSONValue?,
        after: JSONValue?,
        atMs: Int64
    ) throws {
        var beforeText = before.map { JSONWriter.string($0) }
        var afterText = after.map { JSONWriter.string($0) }

        // An entry must fit a page of audit.list or of an export on its own. That limit binds only
        // under a lowered MESH_MAX_FRAME_BYTES: the inputs' own bounds keep entries far below 1 MiB.
        // Two whole states of a target with one long member (an issue's description) can pass it when
        // the change itself is small, so the entry then keeps only the members that changed.
        var size = (beforeText?.utf8.count ?? 0) + (afterText?.utf8.count ?? 0)
        if size > connection.maximumEventPayloadBytes, let old = before?.objectValue, let new = after?.objectValue {
            beforeText = JSONWriter.string(.object(changedMembers(of: old, against: new, target: targetID)))
            afterText = JSONWriter.string(.object(changedMembers(of: new, against: old, target: targetID)))
            size = (beforeText?.utf8.count ?? 0) + (afterText?.utf8.count ?? 0)
        }
        try connection.requireFrameRoom(for: size, what: "an audit entry", of: ("action", action))

        try connection.execute(
            """
            INSERT INTO audit (id, company_id, at_ms, actor_kind, actor_id, action, target_type, target_id, before, after)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(Identifier.make(prefix: "aud")),
                .text(companyID),
                .integer(atMs),
                .text(actor.kind.rawValue),
                SQLValue(actor.userID),
                .text(action),
                .text(targetType),
                .text(targetID),
                SQLValue(beforeText),
                SQLValue(afterText),
            ]
        )
    }

    /// Returns the members of `state` whose value differs from `other`'s, and the member that contains the
    /// target's id (`issue_id`, `team_id`), which names the target in either state.
    private static func changedMembers(
        of state: [String: JSONValue], against other: [String: JSONValue], target targetID: String
    ) -> [String: JSONValue] {
        state.filter { name, value in other[name] != value || value == .string(targetID) }
    }
}
