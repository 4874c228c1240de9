/// One line of an invoice, or one pending item waiting for the next invoice.
public struct LineView: Codable, Sendable, Equatable {
    public let kind: LineKind
    public let description: String
    /// Positive for a charge, negative for a credit.
    public let amountCents: Int64

    enum CodingKeys: String, CodingKey {
        case kind
        case description
        case amountCents = "amount_cents"
    }
}
