import MeshRuntime

/// The meaning of an invoice line, or of a pending item waiting for the next invoice.
public enum LineKind: String, Sendable, Codable, CaseIterable, JSONSchemaProviding {
    /// The period's charge at the monthly rate in force when the period began.
    case subscription
    /// An upgrade's price difference for the rest of the period.
    case prorationCharge = "proration_charge"
    /// A downgrade's price difference for the rest of the period (negative).
    case prorationCredit = "proration_credit"
    /// The rate not owed for the rest of the period after a suspension (negative).
    case suspensionCredit = "suspension_credit"
    /// The rate owed for the rest of the period after a reactivation.
    case reactivationCharge = "reactivation_charge"
    /// The rate not owed for the rest of the period after the company was deleted (negative).
    case cancellationCredit = "cancellation_credit"
    /// Brings an invoice whose lines sum below zero up to zero; the same amount moves to the next invoice.
    case creditCarriedForward = "credit_carried_forward"
    /// A credit left over from an earlier invoice (negative).
    case creditBroughtForward = "credit_brought_forward"
}
