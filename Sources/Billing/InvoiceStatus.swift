import MeshRuntime

/// The payment state of an invoice.
public enum InvoiceStatus: String, Sendable, Codable, CaseIterable, JSONSchemaProviding {
    /// Issued and awaiting payment, not yet past its due date.
    case open
    /// Paid, or created with nothing to collect (a total of zero).
    case paid
    /// Still unpaid after its due date.
    case pastDue = "past_due"
}
