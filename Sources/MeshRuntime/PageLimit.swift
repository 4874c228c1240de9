import MeshProtocol

/// The `limit` and `cursor` params of the methods that list in pages.
public enum PageLimit {
    /// Returns the page size `value` of param `field`, or `defaultLimit` when absent. Values outside
    /// minimum...maximum are invalid.
    public static func check(
        _ value: Int?, defaultLimit: Int = 50, maximum: Int = 200, minimum: Int = 1, field: String = "limit"
    ) throws(RPCError) -> Int {
        guard let value else {
            return defaultLimit
        }
        guard (minimum...maximum).contains(value) else {
            throw RPCError.invalidArgument(
                field: field,
                "\(field) \(value) is out of range; pass \(minimum) to \(maximum), or omit it for \(defaultLimit)")
        }
        return value
    }

    /// Parses the cursor of a list ordered by a sequence number: the `next_cursor` that `method` returned,
    /// which is the sequence number of the previous page's last row. Returns nil for the first page.
    public static func sequence(_ cursor: String?, method: String) throws(RPCError) -> Int64? {
        guard let cursor else {
            return nil
        }
        guard let sequence = Int64(cursor), sequence > 0 else {
            throw RPCError.invalidArgument(
                field: "cursor",
                "cursor '\(cursor.clipped(to: 40))' is not one \(method) returned; pass next_cursor from the previous "
                    + "page, or omit it for the first page"
            )
        }
        return sequence
    }
}
