import MeshProtocol
import MeshRuntime
import MeshStore

extension ExportView {
    /// Collects the company's rows from every billing table, in the order they were written.
    static func collect(companyID: String, exportedAtMs: Int64, _ connection: Connection) throws -> ExportView {
        ExportView(
            companyID: companyID,
            exportedAtMs: exportedAtMs,
            subscription: try subscription(companyID: companyID, connection),
            history: try history.all(companyID: companyID, connection),
            invoices: try invoices.all(companyID: companyID, connection),
            lineItems: try lineItems.all(companyID: companyID, connection)
        )
    }

    /// Returns the plan of the same rows for an export in pages: the subscription first, then the lists.
    static func plan(companyID: String, exportedAtMs: Int64) -> ExportPlan {
        ExportPlan(
            head: { connection in
                [
                    CodingKeys.companyID.rawValue: .string(companyID),
                    CodingKeys.exportedAtMs.rawValue: .int(exportedAtMs),
                    CodingKeys.subscription.rawValue: try subscription(companyID: companyID, connection),
                ]
            },
            lists: [history, invoices, lineItems]
        )
    }

    /// History and line items are numbered in one sequence for every company. The export shows each
    /// row's number among the company's own rows instead (`seq`, and `history_seq` on a line item), so
    /// the gaps between numbers tell nothing about other companies. The stored number still orders
    /// the rows and places the pages.
    static let history = ExportList(
        [CodingKeys.history.rawValue],
        select: "SELECT *, \(companyNumber("subscription_history", upTo: "subscription_history.seq")) AS company_seq "
            + "FROM subscription_history",
        key: ["seq"],
        item: { row in renumbered(row, ["seq": "company_seq"]) })
    static let invoices = ExportList(
        [CodingKeys.invoices.rawValue], select: "SELECT * FROM invoices", key: ["sequence"])
    static let lineItems = ExportList(
        [CodingKeys.lineItems.rawValue],
        select: "SELECT *, \(companyNumber("line_items", upTo: "line_items.seq")) AS company_seq, "
            + "\(companyNumber("subscription_history", upTo: "line_items.history_seq")) AS company_history_seq "
            + "FROM line_items",
        key: ["seq"],
        item: { row in renumbered(row, ["seq": "company_seq", "history_seq": "company_history_seq"]) })

    /// Returns a subquery for the number of `table`'s rows of the outer row's company whose `seq` is at
    /// most `outerSeq`, a column of the outer row.
    private static func companyNumber(_ table: String, upTo outerSeq: String) -> String {
        let outerTable = outerSeq.split(separator: ".").first.map(String.init) ?? table
        return "(SELECT count(*) FROM \(table) AS earlier WHERE earlier.company_id = \(outerTable).company_id "
            + "AND earlier.seq <= \(outerSeq))"
    }

    /// Returns the row's columns with each member of `numbers` (a column, to the column of its number
    /// among the company's rows) replaced by that number, and the helper columns left out. A null
    /// stays null.
    private static func renumbered(_ row: Row, _ numbers: [String: String]) -> JSONValue {
        var members = ExportList.columns(row).objectValue ?? [:]
        for (column, companyColumn) in numbers {
            let number = members.removeValue(forKey: companyColumn)
            if members[column] != nil && members[column] != .null {
                members[column] = number
            }
        }
        return .object(members)
    }

    /// Returns the `subscriptions` row, or null when the company never had one.
    private static func subscription(companyID: String, _ connection: Connection) throws -> JSONValue {
        let row = try connection.queryOne("SELECT * FROM subscriptions WHERE company_id = ?", [.text(companyID)])
        return row.map(ExportList.columns) ?? .null
    }
}
