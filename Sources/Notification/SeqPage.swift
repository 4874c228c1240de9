import MeshStore

/// One page of rows read newest first by their `seq` column, and the cursor of the next page.
///
/// `notifications.list` and `notifications.alerts` page this way: the cursor is the last `seq` of a
/// page, and the next page contains the rows below it.
enum SeqPage {
    /// Runs `sql`, which must end in `seq < ? ORDER BY seq DESC LIMIT ?`, with `arguments` followed by
    /// the cursor and the limit, and maps at most `limit` rows with `make`.
    static func read<Item>(
        _ sql: String,
        _ arguments: [SQLValue],
        beforeSeq: Int64?,
        limit: Int,
        in connection: Connection,
        make: (Row) throws -> Item
    ) throws -> (items: [Item], nextCursor: String?) {
        // Fetching one row past the page shows whether another page follows.
        let rows = try connection.query(
            sql, arguments + [.integer(beforeSeq ?? Int64.max), .integer(Int64(limit) + 1)])

        let pageRows = rows.prefix(limit)
        let items = try pageRows.map(make)
        let nextCursor = rows.count > limit ? pageRows.last?.int("seq").map { String($0) } : nil
        return (items, nextCursor)
    }
}
