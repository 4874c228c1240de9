/// An invoice as the billing methods return it.
public struct InvoiceView: Codable, Sendable {
    public let invoiceID: String
    public let companyID: String
    /// `INV-<company key>-0001`, sequential per company.
    public let number: String
    public let periodStartMs: Int64
    public let periodEndMs: Int64
    public let status: InvoiceStatus
    /// The sum of `lines`.
    public let totalCents: Int64
    public let currency: String
    public let issuedAtMs: Int64
    public let dueAtMs: Int64
    public let paidAtMs: Int64?
    public let lines: [LineView]

    enum CodingKeys: String, CodingKey {
        case invoiceID = "invoice_id"
        case companyID = "company_id"
        case number
        case periodStartMs = "period_start_ms"
        case periodEndMs = "period_end_ms"
        case status
        case totalCents = "total_cents"
        case currency
        case issuedAtMs = "issued_at_ms"
        case dueAtMs = "due_at_ms"
        case paidAtMs = "paid_at_ms"
        case lines
    }
}
