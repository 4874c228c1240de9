import MeshProtocol
import TenantModel

/// The words a usage warning uses for one counted tier limit.
struct LimitWording: Sendable {
    /// The counted units, written after "the plan's": "user seats".
    let units: String
    /// The limit's name before "limit": "user".
    let name: String
    /// The calls that fail once the limit is used up, as a sentence that follows "Once all 1000 are used,".
    let atLimit: String
    /// The sentence for a limit that is used up: what fails, and until when.
    let whileFull: String
    /// The owner's ways to get under the limit again.
    let remedy: String

    /// Returns what `tier` allows of `limit`, or nil when the tier sets no such limit.
    static func allowed(_ limit: String, on tier: Tier) -> Int? {
        switch limit {
        case "users": return tier.maximumUsers
        case "issues": return tier.maximumIssues
        case "api_calls_per_day": return tier.maximumAPICallsPerDay
        case "custom_fields": return tier.maximumCustomFields
        default: return nil
        }
    }

    /// Picks the words for `limit` (`users`, `issues`, `custom_fields` or `api_calls_per_day`).
    ///
    /// - Throws: INVALID_ARGUMENT naming `field` for any other limit, which no publisher sends.
    init(_ limit: String, field: String) throws(RPCError) {
        switch limit {
        case "users":
            units = "user seats"
            name = "user"
            atLimit = "inviting or reactivating another user fails."
            whileFull = "Inviting or reactivating a user fails until a seat is freed or the plan is upgraded."
            remedy =
                "Deactivate users you no longer need (pending invitations hold a seat too), or upgrade the plan with companies.changeTier."
        case "issues":
            units = "issues"
            name = "issue"
            atLimit = "creating another issue fails."
            whileFull = "Creating an issue fails until issues are deleted or the plan is upgraded."
            remedy = "Delete issues you no longer need, or upgrade the plan with companies.changeTier."
        case "api_calls_per_day":
            units = "API calls for today (UTC)"
            name = "daily API call"
            atLimit = "further API calls fail until the next UTC midnight."
            whileFull =
                "API calls fail until the next UTC midnight, except companies.changeTier, with which an owner can upgrade the plan."
            remedy = "Spread calls over the day, or upgrade the plan with companies.changeTier."
        case "custom_fields":
            units = "custom fields"
            name = "custom field"
            atLimit = "adding another custom field fails."
            whileFull = "Adding a custom field fails until one is removed or the plan is upgraded."
            remedy =
                "Remove custom fields you no longer need with companies.configure, or upgrade the plan with companies.changeTier."
        default:
            throw RPCError.invalidArgument(
                field: field,
                "\(field) '\(limit.prefix(40))' is not a counted limit; use users, issues, custom_fields or api_calls_per_day"
            )
        }
    }
}
