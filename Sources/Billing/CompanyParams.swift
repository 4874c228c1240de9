/// Params naming one company: `billing.subscription` and `billing.export`.
public struct CompanyParams: Codable, Sendable {
    public let companyID: String

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
    }
}
