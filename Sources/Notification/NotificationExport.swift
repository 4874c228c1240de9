/// Everything notification stores about one company, for the company's data export.
struct NotificationExport: Codable, Sendable {
    /// The recipients and channels notification keeps for a company.
    struct Company: Codable, Sendable {
        let name: String
        let tier: String
        let status: String
        let ownerUserID: String
        let ownerEmail: String
        let ownerName: String
        let emailEnabled: Bool
        let webhookIntegration: String?
        let webhookURL: String?
        /// The reason the configured webhook URL was rejected, if it was.
        let webhookProblem: String?
        /// The white-label display name and footer of the company's emails, from its settings.
        let brandingName: String?
        let brandingFooter: String?
        let createdAtMs: Int64
        let deletedAtMs: Int64?

        enum CodingKeys: String, CodingKey {
            case name
            case tier
            case status
            case ownerUserID = "owner_user_id"
            case ownerEmail = "owner_email"
            case ownerName = "owner_name"
            case emailEnabled = "email_enabled"
            case webhookIntegration = "webhook_integration"
            case webhookURL = "webhook_url"
            case webhookProblem = "webhook_problem"
            case brandingName = "branding_name"
            case brandingFooter = "branding_footer"
            case createdAtMs = "created_at_ms"
            case deletedAtMs = "deleted_at_ms"
        }

        init(_ record: CompanyRecord) {
            name = record.name
            tier = record.tier.rawValue
            status = record.status.rawValue
            ownerUserID = record.ownerUserID
            ownerEmail = record.ownerEmail
            ownerName = record.ownerName
            emailEnabled = record.emailEnabled
            webhookIntegration = record.webhookIntegration?.rawValue
            webhookURL = record.webhookURL
            webhookProblem = record.webhookProblem
            brandingName = record.branding?.displayName
            brandingFooter = record.branding?.footer
            createdAtMs = record.createdAtMs
            deletedAtMs = record.deletedAtMs
        }
    }

    let companyID: String
    /// Absent when no company.provisioned event for the company reached notification.
    let company: Company?
    let messages: [MessageView]

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case company
        case messages
    }
}
