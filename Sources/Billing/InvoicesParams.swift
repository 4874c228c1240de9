/// Params of `billing.invoices`: one company's invoices, optionally only those with one status, a page
/// at a time.
public struct InvoicesParams: Codable, Sendable {
    public let companyID: String
    public let status: InvoiceStatus?
    /// The page size, 1 to 200; 50 when absent.
    public let limit: Int?
    /// The `next_cursor` of the previous page.
    public let cursor: String?

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case status
        case limit
        case cursor
    }
}
