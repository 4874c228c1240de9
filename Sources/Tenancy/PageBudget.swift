import MeshStore

/// The size past which a page of a list ends early, so that long texts never make a page too large
/// for a frame.
enum PageBudget {
    /// The size of one page's large texts, in bytes.
    static let bytes = 512 * 1024

    /// Returns how many of `rows`, at most `limit`, fit on a page by the sizes of their `columns`, with
    /// a small allowance per row for the other members. A page always has the first row, however large.
    static func rowsFitting(_ rows: [Row], limit: Int, columns: [String]) -> Int {
        var size = 0
        var fitting = 0
        for row in rows.prefix(limit) {
            size += columns.reduce(256) { total, column in total + (row.string(column)?.utf8.count ?? 0) }
            guard fitting == 0 || size <= bytes else {
                break
            }
            fitting += 1
        }
        return fitting
    }
}
