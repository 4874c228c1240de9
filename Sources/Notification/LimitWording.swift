import MeshProtocol

/// The words a usage warning uses for one counted tier limit.
struct LimitWording: Sendable {
    /// The counted units, written after a number: "user seats".
    let units: String
    /// The limit's name before "limit": "user".
    let name: String
    /// The calls that fail once the limit is used up, as the end of a sentence.
    let consequence: String
    /// The owner's ways to get under the limit again.
    let remedy: String

    /// Picks the words for `limit` (`users`, `issues` or `api_calls_per_day`).
    ///
    /// - Throws: INVALID_ARGUMENT naming `field` for any other limit, which no publisher sends.
    init(_ limit: String, field: String) throws(RPCError) {
        switch limit {
        case "users":
            units = "user seats"
            name = "user"
            consequence = "inviting or reactivating a user fails."
            remedy =
                "Deactivate users you no longer need (pending invitations hold a seat too), or ask for a larger plan."
        case "issues":
            units = "issues"
            name = "issue"
            consequence = "creating an issue fails."
            remedy = "Delete issues you no longer need, or ask for a larger plan."
        case "api_calls_per_day":
            units = "API calls for today (UTC)"
            name = "daily API call"
            consequence = "API calls fail until the next UTC midnight."
            remedy = "Spread calls over the day, or ask for a larger plan."
        default:
            throw RPCError.invalidArgument(
                field: field,
                "\(field) '\(limit.prefix(40))' is not a counted limit; use users, issues or api_calls_per_day"
            )
        }
    }
}
