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
        let beforeText = before.map { JSONWriter.string($0) }
        let afterText = after.map { JSONWriter.string($0) }

        // An entry must fit a page of audit.list or of an export on its own. That limit binds only
        // under a lowered MESH_MAX_FRAME_BYTES: the inputs' own bounds keep entries far below 1 MiB.
        let size = (beforeText?.utf8.count ?? 0) + (afterText?.utf8.count ?? 0)
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
}
