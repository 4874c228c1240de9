import TenantModel

/// A company as notification stores it: its owner, tier, status and channels.
///
/// Filled from `company.provisioned` and kept current by the later `company.*` events.
struct CompanyRecord: Sendable, Hashable {
    enum Status: String, Sendable {
        case active
        case suspended
        case deleted
    }

    let companyID: String
    var name: String
    var tier: Tier
    var status: Status
    var ownerUserID: String
    var ownerEmail: String
    var ownerName: String
    /// The company's "email notifications" preference; invitations go out regardless.
    var emailEnabled: Bool
    /// `slack_webhook` or `webhook` when one of them is enabled with an accepted URL.
    var webhookIntegration: Integration?
    var webhookURL: String?
    /// The reason the configured webhook URL was rejected, if it was.
    var webhookProblem: String?
    /// The white-label branding from the latest settings, whatever the tier; see `activeBranding`.
    var branding: CompanyBranding?
    var createdAtMs: Int64
    var updatedAtMs: Int64
    var deletedAtMs: Int64?

    /// The webhook to post to, when one is configured and the tier allows its integration.
    var activeWebhook: String? {
        guard status != .deleted, let integration = webhookIntegration, let url = webhookURL else {
            return nil
        }
        return tier.allowedIntegrations.contains(integration) ? url : nil
    }

    /// The branding the company's emails carry: only while the tier has white-label branding.
    var activeBranding: CompanyBranding? {
        tier.hasWhiteLabel ? branding : nil
    }
}
