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

    static let history = ExportList(
        [CodingKeys.history.rawValue], select: "SELECT * FROM subscription_history", key: ["seq"])
    static let invoices = ExportList(
        [CodingKeys.invoices.rawValue], select: "SELECT * FROM invoices", key: ["sequence"])
    static let lineItems = ExportList([CodingKeys.lineItems.rawValue], select: "SELECT * FROM line_items", key: ["seq"])

    /// Returns the `subscriptions` row, or null when the company never had one.
    private static func subscription(companyID: String, _ connection: Connection) throws -> JSONValue {
        let row = try connection.queryOne("SELECT * FROM subscriptions WHERE company_id = ?", [.text(companyID)])
        return row.map(ExportList.columns) ?? .null
    }
}
