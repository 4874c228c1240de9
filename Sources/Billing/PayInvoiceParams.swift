/// Params of `billing.payInvoice`.
public struct PayInvoiceParams: Codable, Sendable {
    public let invoiceID: String

    enum CodingKeys: String, CodingKey {
        case invoiceID = "invoice_id"
    }
}
