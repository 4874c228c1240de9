/// Inbox operations for a subscriber: one row per event id it has applied.
///
/// Call `recordInbox` in the same write as the event's effect, and skip the effect when it returns
/// false. A redelivered event then changes nothing, and a rolled-back write leaves no id behind.
extension Connection {
    /// Records the event id and returns true, or returns false when the id was already recorded
    /// (a duplicate delivery).
    public func recordInbox(eventID: String, topic: String, atMs: Int64) throws -> Bool {
        try execute(
            "INSERT INTO inbox (event_id, topic, received_at_ms) VALUES (?, ?, ?) ON CONFLICT (event_id) DO NOTHING",
            [.text(eventID), .text(topic), .integer(atMs)]
        )
        return changes == 1
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
