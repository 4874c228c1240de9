/// Inbox operations for a subscriber: one row per event id it has applied.
///
/// Call `recordInbox` in the same write as the event's effect, and skip the effect when it returns
/// false. A redelivered event then changes nothing, and a rolled-back write leaves no id behind.
extension Connection {
    /// Records the event id and returns true, or returns false when the id was already recorded
    /// (a duplicate delivery).
    ///
    /// - Parameters:
    ///   - source: the publishing process. With `seq`, the event's position in that publisher's
    ///     outbox, it lets `pruneInbox(source:deliveredThrough:)` delete the row later.
    public func recordInbox(
        eventID: String,
        topic: String,
        atMs: Int64,
        source: String? = nil,
        seq: Int64? = nil
    ) throws -> Bool {
        try execute(
            """
            INSERT INTO inbox (event_id, topic, received_at_ms, source, seq) VALUES (?, ?, ?, ?, ?) \
            ON CONFLICT (event_id) DO NOTHING
            """,
            [.text(eventID), .text(topic), .integer(atMs), SQLValue(source), SQLValue(seq)]
        )
        return changes == 1
    }

    /// Deletes the rows of events from `source` up to outbox sequence `seq` and returns how many were
    /// deleted.
    ///
    /// Call it with the cursor that the publisher reports: it has recorded those events as delivered,
    /// so it never sends them again, and their rows have no repeat left to catch.
    @discardableResult
    public func pruneInbox(source: String, deliveredThrough seq: Int64) throws -> Int {
        try execute(
            "DELETE FROM inbox WHERE source = ? AND seq IS NOT NULL AND seq <= ?",
            [.text(source), .integer(seq)]
        )
        return changes
    }

    /// Deletes inbox rows received before `receivedBeforeMs` and returns how many were deleted.
    ///
    /// A publisher that redelivers an event after its row was pruned gets it applied again, so keep
    /// rows for longer than any publisher retries.
    @discardableResult
    public func pruneInbox(receivedBeforeMs: Int64) throws -> Int {
        try execute("DELETE FROM inbox WHERE received_at_ms < ?", [.integer(receivedBeforeMs)])
        return changes
    }
}
