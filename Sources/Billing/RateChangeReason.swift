import TenantModel

/// Why a subscription's accruing rate changed, which decides the kind and wording of its prorated lines.
enum RateChangeReason: Sendable {
    case tierChange(from: Tier, to: Tier)
    case suspension
    case reactivation
    case cancellation

    var isCancellation: Bool {
        if case .cancellation = self {
            return true
        }
        return false
    }

    /// Returns the line kind for a prorated amount. For tier changes the sign picks charge or credit.
    func kind(amountCents: Int64) -> LineKind {
        switch self {
        case .tierChange:
            return amountCents >= 0 ? .prorationCharge : .prorationCredit
        case .suspension:
            return .suspensionCredit
        case .reactivation:
            return .reactivationCharge
        case .cancellation:
            return .cancellationCredit
        }
    }

    /// Returns a sentence a customer can check: what happened, when, and which share of which period
    /// it covers.
    func describe(_ proration: Proration, atMs: Int64) -> String {
        let day = CivilDate(milliseconds: atMs).dateString
        let share = "the remaining \(proration.remainingPercentText) of \(proration.period)"
        switch self {
        case .tierChange(let from, let to):
            let verb = to > from ? "Upgrade" : "Downgrade"
            return "\(verb) from \(from.displayName) to \(to.displayName) on \(day), for \(share)"
        case .suspension:
            return "Suspended on \(day), credit for \(share)"
        case .reactivation:
            return "Reactivated on \(day), charge for \(share)"
        case .cancellation:
            return "Canceled on \(day), credit for \(share)"
        }
    }
}
