import TenantModel

extension MessageTemplates {
    /// Renders the warning a company's owner gets when usage rises across 80% or 100% of a tier limit.
    static func usageWarning(
        company: String,
        ownerName: String,
        limit: LimitWording,
        percent: Int64,
        current: Int64,
        allowed: Int64,
        tier: Tier,
        atMs: Int64
    ) -> MessageText {
        let reached = percent >= 100
        let headline =
            reached
            ? "\(company) has used all of the \(tier.displayName) plan's \(limit.units): \(current) of \(allowed)"
            : "\(company) has used \(percent)% of the \(tier.displayName) plan's \(limit.units): \(current) of \(allowed)"
        let consequence = reached ? limit.whileFull : "Once all \(allowed) are used, \(limit.atLimit)"
        let body = """
            \(greeting(ownerName))

            \(headline), as of \(EmailDate.readable(atMs)).

            \(consequence)
            \(limit.remedy)

            \(signature)
            """
        let subject =
            reached
            ? "\(company) reached its \(limit.name) limit"
            : "\(company) is at \(percent)% of its \(limit.name) limit"
        return MessageText(subject: subject, body: body, chat: "TenantMesh: \(headline).")
    }

    /// Renders the alert the operator gets when a rule's condition becomes met.
    static func operatorAlert(rule: AlertRule, summary: String, atMs: Int64) -> MessageText {
        let body = """
            Hello,

            The operator alert rule \(rule.rawValue) fired on \(EmailDate.readable(atMs)): \(rule.condition).

            \(summary)

            \(rule.hint)
            notifications.alerts lists every alert that fired.

            \(signature)
            """
        return MessageText(subject: "TenantMesh alert: \(rule.condition)", body: body, chat: nil)
    }
}
