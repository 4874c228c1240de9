/// The kinds of rows in a subscription's history.
enum HistoryKind: String, Sendable {
    case created
    case tierChanged = "tier_changed"
    case suspended
    case reactivated
    case canceled
}
