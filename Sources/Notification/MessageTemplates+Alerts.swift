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
        let units = limit.units
        let reached = percent >= 100
        let headline =
            reached
            ? "\(company) has used all \(allowed) \(units) of the \(tier.displayName) plan"
            : "\(company) has used \(current) of \(allowed) \(units) (\(percent)%) of the \(tier.displayName) plan"
        let consequence =
            reached
            ? "Until usage goes down or the plan is upgraded, \(limit.consequence)"
            : "At \(allowed), \(limit.consequence)"
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

            Fired alerts are listed by notifications.alerts; the mesh's logs have the failed calls.

            \(signature)
            """
        return MessageText(subject: "TenantMesh alert: \(rule.condition)", body: body, chat: nil)
    }
}
