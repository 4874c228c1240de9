import MeshProtocol
import TenantModel

/// A settings patch that asks for more custom fields than the company's tier allows.
///
/// Alone, it is a tier limit like those on users and issues (RESOURCE_EXHAUSTED). With other problems
/// in the same patch, it is one problem among them, so that every problem is reported at once.
struct CustomFieldCap: Sendable {
    let field: String
    let requested: Int
    let allowed: Int
    let tier: Tier

    /// The problem in words, after the field's name.
    var problem: String {
        "has \(requested) fields but the \(tier.displayName) tier allows \(allowed); remove \(requested - allowed) "
            + "or upgrade the tier with companies.changeTier"
    }

    /// Builds the RESOURCE_EXHAUSTED error for a company that has `current` custom fields now.
    func error(current: Int) -> RPCError {
        RPCError(
            .resourceExhausted,
            "\(field) \(problem)",
            details: [
                "field": .string(field), "reason": "tier_limit", "limit": "custom_fields",
                "allowed": .int(Int64(allowed)),
                "current": .int(Int64(current)), "requested": .int(Int64(requested)), "tier": .string(tier.rawValue),
            ]
        )
    }
}
