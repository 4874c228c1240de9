/// Params of `billing.invoices`: one company's invoices, optionally only those with one status.
public struct InvoicesParams: Codable, Sendable {
    public let companyID: String
    public let status: InvoiceStatus?

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case status
    }
}
