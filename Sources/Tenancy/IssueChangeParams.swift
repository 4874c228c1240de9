import MeshProtocol
import MeshRuntime

/// Params of `issues.update`. Absent members stay as they are. Status changes go through
/// `issues.transition` and assignment through `issues.assign`.
struct IssueUpdateParams: Codable, Sendable, MemberSchemaProviding {
    /// The issue's company, which root may leave out because the key prefix or issue id names it.
    var companyID: String?
    var issueID: String?
    /// An issue key such as `TECH-42`, in place of `issue_id`.
    var key: String?
    var title: String?
    var description: String?
    var type: String?
    var priority: String?
    /// nil when `team_id` is absent (keep the team), `.some(nil)` for an explicit null (no team).
    var teamID: String??
    /// An object of values to set. A null value removes that field's value.
    var customFields: JSONValue?

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case issueID = "issue_id"
        case key
        case title
        case description
        case type
        case priority
        case teamID = "team_id"
        case customFields = "custom_fields"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        companyID = try container.decodeIfPresent(String.self, forKey: .companyID)
        issueID = try container.decodeIfPresent(String.self, forKey: .issueID)
        key = try container.decodeIfPresent(String.self, forKey: .key)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        type = try container.decodeIfPresent(String.self, forKey: .type)
        priority = try container.decodeIfPresent(String.self, forKey: .priority)
        customFields = try container.decodeIfPresent(JSONValue.self, forKey: .customFields)

        // decodeIfPresent alone cannot tell an absent team_id from an explicit null.
        if container.contains(.teamID) {
            teamID = .some(try container.decodeIfPresent(String.self, forKey: .teamID))
        } else {
            teamID = nil
        }
    }

    static var memberSchemas: [String: JSONValue] {
        [CodingKeys.customFields.rawValue: CustomFieldValues.paramsSchema]
    }

    var reference: IssueReference { IssueReference(issueID: issueID, key: key) }

    /// Whether the params ask for any change at all.
    var changesSomething: Bool {
        title != nil || description != nil || type != nil || priority != nil || teamID != nil || customFields != nil
    }
}

/// Params of `issues.transition`.
struct IssueTransitionParams: Codable, Sendable {
    /// The issue's company, which root may leave out because the key prefix or issue id names it.
    var companyID: String?
    var issueID: String?
    var key: String?
    var toStatus: String

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case issueID = "issue_id"
        case key
        case toStatus = "to_status"
    }

    var reference: IssueReference { IssueReference(issueID: issueID, key: key) }
}

/// Params of `issues.assign`: `assignee_id` is required, null to unassign.
struct IssueAssignParams: Codable, Sendable, MemberSchemaProviding {
    /// The issue's company, which root may leave out because the key prefix or issue id names it.
    var companyID: String?
    var issueID: String?
    var key: String?
    /// nil when `assignee_id` is absent (rejected), `.some(nil)` for null (unassign).
    var assigneeID: String??

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case issueID = "issue_id"
        case key
        case assigneeID = "assignee_id"
    }

    var reference: IssueReference { IssueReference(issueID: issueID, key: key) }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        companyID = try container.decodeIfPresent(String.self, forKey: .companyID)
        issueID = try container.decodeIfPresent(String.self, forKey: .issueID)
        key = try container.decodeIfPresent(String.self, forKey: .key)
        // `decode` of an optional, not `decodeIfPresent`, marks the member required in the schema, and a
        // missing one is left for the handler to reject with a message of its own.
        if container.contains(.assigneeID) {
            assigneeID = .some(try container.decode(String?.self, forKey: .assigneeID))
        } else {
            assigneeID = nil
        }
    }

    static var memberSchemas: [String: JSONValue] {
        [CodingKeys.assigneeID.rawValue: ["type": ["string", "null"]]]
    }
}
