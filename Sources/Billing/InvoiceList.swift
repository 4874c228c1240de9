/// The result of `billing.invoices`: a page of invoices in number order.
public struct InvoiceList: Codable, Sendable {
    public let invoices: [InvoiceView]
    /// Fetches the next page; nil on the last one.
    public let nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case invoices
        case nextCursor = "next_cursor"
    }
}
