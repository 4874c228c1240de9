import MeshProtocol
import MeshRuntime

/// Params of `issues.create`.
struct IssueCreateParams: Codable, Sendable {
    var companyID: String
    var title: String
    var description: String?
    var type: String
    /// Defaults to "Medium" when the company has that priority, otherwise to its second priority.
    var priority: String?
    var teamID: String?
    var assigneeID: String?
    /// An object of field name to value, checked against the company's fields by `IssueInputCheck`.
    var customFields: JSONValue?

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case title
        case description
        case type
        case priority
        case teamID = "team_id"
        case assigneeID = "assignee_id"
        case customFields = "custom_fields"
    }
}

extension IssueCreateParams: MemberSchemaProviding {
    static var memberSchemas: [String: JSONValue] {
        [CodingKeys.customFields.rawValue: CustomFieldValues.paramsSchema]
    }
}

/// Params of `issues.get` and `issues.delete`: exactly one of `issue_id` and `key`, as for every call on
/// one issue.
struct IssueTargetParams: Codable, Sendable {
    /// The issue's company, which root may leave out because the key prefix or issue id names it.
    var companyID: String?
    var issueID: String?
    /// An issue key such as `TECH-42`.
    var key: String?

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case issueID = "issue_id"
        case key
    }

    var reference: IssueReference { IssueReference(issueID: issueID, key: key) }
}

/// Params of `issues.list`. Every filter given must match, and absent filters match everything.
struct IssueListParams: Codable, Sendable {
    var companyID: String
    var status: String?
    /// nil when `assignee_id` is absent (any assignee), `.some(nil)` for an explicit null (unassigned).
    var assigneeID: String??
    /// nil when `team_id` is absent (any team), `.some(nil)` for an explicit null (no team).
    var teamID: String??
    var type: String?
    var priority: String?
    /// Issues per page, 1 to 200, or 50 when absent.
    var limit: Int?
    /// `next_cursor` of the previous page.
    var cursor: String?

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case status
        case assigneeID = "assignee_id"
        case teamID = "team_id"
        case type
        case priority
        case limit
        case cursor
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        companyID = try container.decode(String.self, forKey: .companyID)
        status = try container.decodeIfPresent(String.self, forKey: .status)
        type = try container.decodeIfPresent(String.self, forKey: .type)
        priority = try container.decodeIfPresent(String.self, forKey: .priority)
        limit = try container.decodeIfPresent(Int.self, forKey: .limit)
        cursor = try container.decodeIfPresent(String.self, forKey: .cursor)

        // decodeIfPresent alone cannot tell an absent filter from an explicit null.
        assigneeID =
            container.contains(.assigneeID)
            ? .some(try container.decodeIfPresent(String.self, forKey: .assigneeID)) : nil
        teamID = container.contains(.teamID) ? .some(try container.decodeIfPresent(String.self, forKey: .teamID)) : nil
    }
}

extension IssueListParams: MemberSchemaProviding {
    /// The two filters where null has a meaning of its own, described for `rpc.describe`.
    static var memberSchemas: [String: JSONValue] {
        [
            CodingKeys.assigneeID.rawValue: [
                "type": ["string", "null"], "description": "null lists the issues without an assignee",
            ],
            CodingKeys.teamID.rawValue: [
                "type": ["string", "null"], "description": "null lists the issues without a team",
            ],
        ]
    }
}

/// Result of `issues.list`.
struct IssuePage: Codable, Sendable {
    var issues: [Issue]
    /// The cursor of the next page; absent on the last page, as in every list.
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case issues
        case nextCursor = "next_cursor"
    }
}

/// Result of `issues.delete`.
struct IssueDeletion: Codable, Sendable {
    var issueID: String
    var key: String
    var deletedAtMs: Int64

    enum CodingKeys: String, CodingKey {
        case issueID = "issue_id"
        case key
        case deletedAtMs = "deleted_at_ms"
    }
}
