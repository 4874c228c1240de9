import MeshProtocol
import MeshRuntime

/// Every billing row of one company, as `billing.export` returns it for the company's data export.
///
/// Rows appear with their stored column names and values, so the export contains exactly what is stored.
public struct ExportView: Codable, Sendable {
    public let companyID: String
    public let exportedAtMs: Int64
    /// The `subscriptions` row, or null when the company never had one.
    public let subscription: JSONValue
    public let history: [JSONValue]
    public let invoices: [JSONValue]
    /// Every line item, on an invoice (`invoice_id` set) or pending (`invoice_id` null).
    public let lineItems: [JSONValue]

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case exportedAtMs = "exported_at_ms"
        case subscription
        case history
        case invoices
        case lineItems = "line_items"
    }
}

extension ExportView: MemberSchemaProviding {
    /// Rows are objects named by their table's columns.
    public static var memberSchemas: [String: JSONValue] {
        let rows: JSONValue = ["type": "array", "items": ["type": "object"]]
        return [
            CodingKeys.subscription.rawValue: ["type": ["object", "null"]],
            CodingKeys.history.rawValue: rows,
            CodingKeys.invoices.rawValue: rows,
            CodingKeys.lineItems.rawValue: rows,
        ]
    }
}
