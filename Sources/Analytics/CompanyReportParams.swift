/// Params of `analytics.companyReport`.
public struct CompanyReportParams: Codable, Sendable {
    public var companyID: String
    /// Days the report covers, ending today (UTC). Defaults to the tier's reporting history (90 when the
    /// tier's history is unlimited) and is capped by it.
    public var days: Int?

    public init(companyID: String, days: Int? = nil) {
        self.companyID = companyID
        self.days = days
    }

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case days
    }
}

/// Params of `analytics.export`.
public struct CompanyExportParams: Codable, Sendable {
    public var companyID: String

    public init(companyID: String) {
        self.companyID = companyID
    }

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
    }
}
