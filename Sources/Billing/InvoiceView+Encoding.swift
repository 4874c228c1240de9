extension InvoiceView {
    /// Writes every member, `paid_at_ms` as null while unpaid.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(invoiceID, forKey: .invoiceID)
        try container.encode(companyID, forKey: .companyID)
        try container.encode(number, forKey: .number)
        try container.encode(periodStartMs, forKey: .periodStartMs)
        try container.encode(periodEndMs, forKey: .periodEndMs)
        try container.encode(status, forKey: .status)
        try container.encode(totalCents, forKey: .totalCents)
        try container.encode(currency, forKey: .currency)
        try container.encode(issuedAtMs, forKey: .issuedAtMs)
        try container.encode(dueAtMs, forKey: .dueAtMs)
        try container.encodeOrNull(paidAtMs, forKey: .paidAtMs)
        try container.encode(lines, forKey: .lines)
    }
}
