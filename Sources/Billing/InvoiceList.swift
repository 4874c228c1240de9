/// The result of `billing.invoices`.
public struct InvoiceList: Codable, Sendable {
    public let invoices: [InvoiceView]
}
