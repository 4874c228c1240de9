/// The result of one invoice pass, as `billing.runCycle` returns it.
public struct CycleReport: Codable, Sendable {
    /// The mesh clock the pass ran at.
    public let ranAtMs: Int64
    /// Invoices issued by this pass, oldest period first per company.
    public let generated: [InvoiceView]
    /// Ids of invoices this pass moved from open to past due.
    public let markedPastDue: [String]
    /// False when the pass stopped at its budget with periods still to close; the next pass goes on.
    public let complete: Bool

    enum CodingKeys: String, CodingKey {
        case ranAtMs = "ran_at_ms"
        case generated
        case markedPastDue = "marked_past_due"
        case complete
    }
}
