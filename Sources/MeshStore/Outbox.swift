/// An event row in the `outbox` table, written in the same transaction as the change it announces.
public struct OutboxEvent: Sendable, Hashable {
    /// The position in the outbox. AUTOINCREMENT keeps it increasing and never reused, even after pruning.
    public let seq: Int64
    public let eventID: String
    public let topic: String
    /// The event body as JSON text.
    public let payload: String
    /// Unix time in milliseconds when the event was appended.
    public let createdAtMs: Int64

    public init(seq: Int64, eventID: String, topic: String, payload: String, createdAtMs: Int64) {
        self.seq = seq
        self.eventID = eventID
        self.topic = topic
        self.payload = payload
        self.createdAtMs = createdAtMs
    }
}

/// Outbox operations for the relay that delivers events to subscribers.
///
/// Delivery state is one cursor per subscriber in `outbox_cursor`: the highest seq it acknowledged.
/// Events reach each subscriber in seq order, so a cursor is enough. A subscriber must keep the same
/// topic filter, because events of other topics that its cursor moves past are never offered to it.
extension Connection {
    /// Appends an event and returns its seq. Call it inside the write that makes the change.
    ///
    /// Throws a StoreError with `isUniqueViolation` when `eventID` is already in the outbox.
    @discardableResult
    public func appendOutbox(eventID: String, topic: String, payload: String, createdAtMs: Int64) throws -> Int64 {
        try execute(
            "INSERT INTO outbox (event_id, topic, payload, created_at_ms) VALUES (?, ?, ?, ?)",
            [.text(eventID), .text(topic), .text(payload), .integer(createdAtMs)]
        )
        return lastInsertRowID
    }

    /// Returns up to `limit` events after the subscriber's cursor, in seq order.
    ///
    /// - Parameter topics: the topics the subscriber receives, or nil for every topic. An empty set
    ///   matches nothing.
    /// - Parameter afterSeq: a floor above the stored cursor: a relay that already scanned past rows of
    ///   other topics passes how far it got, so it does not scan them again.
    public func pendingOutbox(
        subscriber: String,
        topics: Set<String>?,
        limit: Int,
        afterSeq: Int64 = 0
    ) throws -> [OutboxEvent] {
        guard limit > 0 else {
            throw StoreError.misuse("pendingOutbox limit is \(limit); pass 1 or more events")
        }
        if let topics, topics.isEmpty {
            return []
        }

        // Sorting the topics keeps the SQL text, and so the cached statement, the same for a given count.
        let sortedTopics = topics.map { $0.sorted() } ?? []
        var sql = """
            SELECT seq, event_id, topic, payload, created_at_ms FROM outbox \
            WHERE seq > max(coalesce((SELECT last_seq FROM outbox_cursor WHERE subscriber = ?), 0), ?)
            """
        if !sortedTopics.isEmpty {
            sql += " AND topic IN (" + Array(repeating: "?", count: sortedTopics.count).joined(separator: ", ") + ")"
        }
        sql += " ORDER BY seq LIMIT ?"

        let arguments: [SQLValue] =
            [.text(subscriber), .integer(afterSeq)] + sortedTopics.map { .text($0) } + [.integer(Int64(limit))]
        return try query(sql, arguments).map { row in
            OutboxEvent(
                seq: try row.requireInt("seq"),
                eventID: try row.requireString("event_id"),
                topic: try row.requireString("topic"),
                payload: try row.requireString("payload"),
                createdAtMs: try row.requireInt("created_at_ms")
            )
        }
    }

    /// Returns the highest sequence number in the outbox, 0 when it is empty.
    public func latestOutboxSeq() throws -> Int64 {
        try scalarInt("SELECT max(seq) FROM outbox") ?? 0
    }

    /// Moves the subscriber's cursor to `seq`, acknowledging every event up to and including it.
    ///
    /// The cursor never moves back: acknowledging a seq at or below the cursor changes nothing, so a
    /// repeated acknowledgement is harmless.
    public func markDelivered(subscriber: String, upTo seq: Int64, atMs: Int64) throws {
        try execute(
            """
            INSERT INTO outbox_cursor (subscriber, last_seq, updated_at_ms) VALUES (?, ?, ?) \
            ON CONFLICT (subscriber) DO UPDATE SET last_seq = excluded.last_seq, updated_at_ms = excluded.updated_at_ms \
            WHERE excluded.last_seq > outbox_cursor.last_seq
            """,
            [.text(subscriber), .integer(seq), .integer(atMs)]
        )
    }

    /// Returns the subscriber's cursor: the highest acknowledged seq, or 0 before its first acknowledgement.
    public func outboxCursor(subscriber: String) throws -> Int64 {
        try scalarInt("SELECT last_seq FROM outbox_cursor WHERE subscriber = ?", [.text(subscriber)]) ?? 0
    }

    /// Deletes the events that every listed subscriber has acknowledged and returns how many were deleted.
    ///
    /// A subscriber without a cursor has acknowledged nothing, so nothing is deleted then.
    @discardableResult
    public func pruneOutbox(deliveredTo subscribers: [String]) throws -> Int {
        guard !subscribers.isEmpty else {
            throw StoreError.misuse("pruneOutbox needs at least one subscriber; pass every subscriber of the outbox")
        }

        var lowestCursor = Int64.max
        for subscriber in subscribers {
            lowestCursor = min(lowestCursor, try outboxCursor(subscriber: subscriber))
        }

        try execute("DELETE FROM outbox WHERE seq <= ?", [.integer(lowestCursor)])
        return changes
    }
}
