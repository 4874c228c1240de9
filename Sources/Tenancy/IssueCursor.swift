import MeshProtocol

/// The position of a page of `issues.list`: the number of the last issue already returned.
///
/// Issues are listed in ascending number order and numbers are never reused, so the next page starts
/// strictly after this number. Issues created while a client pages through get higher numbers and
/// appear on a later page, and deleted ones simply drop out, so no issue is returned twice or skipped.
/// On the wire the cursor is `n:<number>`; clients should pass it back unchanged.
public struct IssueCursor: Sendable, Hashable {
    public let lastNumber: Int64

    public init(lastNumber: Int64) {
        self.lastNumber = lastNumber
    }

    /// Parses a cursor from a previous page, or throws INVALID_ARGUMENT when it was not produced by
    /// `issues.list`.
    public init(parsing text: String) throws(RPCError) {
        guard text.hasPrefix("n:"), let number = Int64(text.dropFirst(2)), number >= 0,
            String(number) == text.dropFirst(2)
        else {
            throw RPCError.invalidArgument(
                field: "cursor",
                "cursor '\(text.clipped(to: 40))' is not one issues.list returned; pass next_cursor from the previous page unchanged, or omit cursor to start from the first page"
            )
        }
        lastNumber = number
    }

    public var text: String {
        "n:\(lastNumber)"
    }
}
