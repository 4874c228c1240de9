/// A company's identity and state, read from the companies rollup.
public struct CompanyProfile: Codable, Sendable, Equatable {
    public var companyID: String
    public var name: String
    public var tier: String
    public var status: String
    public var createdAtMs: Int64
    /// Whole days from creation to the report time, by the mesh clock.
    public var daysActive: Int64
    /// Integrations the company's settings enable.
    public var integrations: [String]

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case name
        case tier
        case status
        case createdAtMs = "created_at_ms"
        case daysActive = "days_active"
        case integrations
    }
}
