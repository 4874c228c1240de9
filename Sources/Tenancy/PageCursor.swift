import MeshProtocol

/// The position after the last row of a page, for lists ordered by creation time and id.
///
/// On the wire it is the text `<created_at_ms>.<id>`; clients pass back `next_cursor` unchanged.
struct PageCursor: Sendable, Hashable {
    var createdAtMs: Int64
    var id: String

    /// The cursor before the first row.
    static let start = PageCursor(createdAtMs: Int64.min, id: "")

    var text: String {
        "\(createdAtMs).\(id)"
    }

    /// Parses `text`, a cursor of `method`, or returns `start` for nil. The id must carry `idPrefix`, the prefix of the listed
    /// rows' ids (`usr_`, `cmp_`), so a cursor of another list is rejected.
    static func parse(_ text: String?, idPrefix: String, method: String) throws -> PageCursor {
        guard let text else {
            return start
        }
        let parts = text.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let createdAtMs = Int64(parts[0]), parts[1].hasPrefix(idPrefix) else {
            throw RPCError.invalidArgument(
                field: "cursor",
                "cursor '\(text.clipped(to: 40))' is not one \(method) returned; pass next_cursor from the previous page, or omit it"
            )
        }
        return PageCursor(createdAtMs: createdAtMs, id: String(parts[1]))
    }
}
