import MeshStore

/// The size past which a page of a list ends early, so that long texts never make a page too large
/// for a frame.
enum PageBudget {
    /// The size of one page's rows as JSON, in bytes, under the default frame limit: half of it, which
    /// leaves room for what a row's result adds beyond its stored columns.
    static let bytes = 512 * 1024

    /// Returns the page size for `connection`'s process: `bytes`, or half the frame limit when
    /// `MESH_MAX_FRAME_BYTES` lowered it.
    static func bytes(for connection: Connection) -> Int {
        min(bytes, connection.maximumEventPayloadBytes / 2)
    }

    /// Returns how many of `rows`, at most `limit`, fit on a page. A row counts the size that each of
    /// its text columns takes as a JSON string, quotes and escapes included, and a small allowance for
    /// member names and numbers. A page always has the first row, however large.
    ///
    /// `jsonColumns` hold JSON text that the result embeds as it is (custom field values, audit
    /// entries), so they count their stored size.
    static func rowsFitting(_ rows: [Row], limit: Int, jsonColumns: Set<String> = [], budget: Int) -> Int {
        var size = 0
        var fitting = 0
        for row in rows.prefix(limit) {
            size += 256
            for column in row.columnNames {
                guard case .text(let text) = row[column] else {
                    continue
                }
                size += jsonColumns.contains(column) ? text.utf8.count : escapedSize(text)
            }
            guard fitting == 0 || size <= budget else {
                break
            }
            fitting += 1
        }
        return fitting
    }

    /// Returns the bytes `text` takes as a JSON string: two for the quotes, two for each `"`, `\` and
    /// line break or tab, six for any other control character, and one for every other byte.
    static func escapedSize(_ text: String) -> Int {
        var size = 2
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                size += 2
            case 0..<0x20:
                size += 6
            default:
                size += 1
            }
        }
        return size
    }
}
