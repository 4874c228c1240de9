import MeshProtocol
import MeshStore

extension CompanyRecord {
    func insert(in connection: Connection) throws {
        try connection.execute(
            "INSERT INTO companies (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            values
        )
    }

    /// Writes every column of this record over the stored row.
    func save(in connection: Connection) throws {
        try connection.execute(
            """
            UPDATE companies SET name = ?, key_prefix = ?, tier = ?, status = ?, settings = ?, created_at_ms = ?,
                updated_at_ms = ?, suspended_at_ms = ?, reactivate_at_ms = ?, suspend_reason = ?, deleted_at_ms = ?
            WHERE id = ?
            """,
            Array(values.dropFirst()) + [.text(id)]
        )
    }

    /// The column values in the order of `columns`.
    private var values: [SQLValue] {
        [
            .text(id), .text(name), .text(keyPrefix), .text(tier.rawValue), .text(status.rawValue),
            .text(settings.storedText), .integer(createdAtMs), .integer(updatedAtMs), SQLValue(suspendedAtMs),
            SQLValue(reactivateAtMs), SQLValue(suspendReason), SQLValue(deletedAtMs),
        ]
    }
}
