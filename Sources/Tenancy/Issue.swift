import MeshProtocol
import MeshRuntime

/// One issue of a company, as methods return it.
///
/// `assignee_id`, `team_id` and `resolved_at_ms` are always present on the wire, null when unset.
/// `resolved_at_ms` is set while the issue is in the workflow's final status and cleared when it leaves.
public struct Issue: Codable, Sendable, Hashable, JSONValueConvertible, MemberSchemaProviding {
    public var id: String
    public var companyID: String
    public var number: Int64
    /// `<key prefix>-<number>`, for example `TECH-42`.
    public var key: String
    public var title: String
    public var description: String
    public var type: String
    public var priority: String
    public var status: String
    public var assigneeID: String?
    public var teamID: String?
    public var customFields: [String: JSONValue]
    public var createdAtMs: Int64
    public var updatedAtMs: Int64
    public var resolvedAtMs: Int64?

    public static var memberSchemas: [String: JSONValue] {
        [CodingKeys.customFields.rawValue: CustomFieldValues.storedSchema]
    }

    enum CodingKeys: String, CodingKey {
        case id = "issue_id"
        case companyID = "company_id"
        case number
        case key
        case title
        case description
        case type
        case priority
        case status
        case assigneeID = "assignee_id"
        case teamID = "team_id"
        case customFields = "custom_fields"
        case createdAtMs = "created_at_ms"
        case updatedAtMs = "updated_at_ms"
        case resolvedAtMs = "resolved_at_ms"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(companyID, forKey: .companyID)
        try container.encode(number, forKey: .number)
        try container.encode(key, forKey: .key)
        try container.encode(title, forKey: .title)
        try container.encode(description, forKey: .description)
        try container.encode(type, forKey: .type)
        try container.encode(priority, forKey: .priority)
        try container.encode(status, forKey: .status)
        try container.encode(assigneeID, forKey: .assigneeID)
        try container.encode(teamID, forKey: .teamID)
        try container.encode(customFields, forKey: .customFields)
        try container.encode(createdAtMs, forKey: .createdAtMs)
        try container.encode(updatedAtMs, forKey: .updatedAtMs)
        try container.encode(resolvedAtMs, forKey: .resolvedAtMs)
    }

    /// The issue as JSON, for audit entries and exports: the same members `encode(to:)` writes,
    /// built directly because this runs inside the write of every issue change.
    public var json: JSONValue {
        func optional(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
        return [
            CodingKeys.id.rawValue: .string(id),
            CodingKeys.companyID.rawValue: .string(companyID),
            CodingKeys.number.rawValue: .int(number),
            CodingKeys.key.rawValue: .string(key),
            CodingKeys.title.rawValue: .string(title),
            CodingKeys.description.rawValue: .string(description),
            CodingKeys.type.rawValue: .string(type),
            CodingKeys.priority.rawValue: .string(priority),
            CodingKeys.status.rawValue: .string(status),
            CodingKeys.assigneeID.rawValue: optional(assigneeID),
            CodingKeys.teamID.rawValue: optional(teamID),
            CodingKeys.customFields.rawValue: .object(customFields),
            CodingKeys.createdAtMs.rawValue: .int(createdAtMs),
            CodingKeys.updatedAtMs.rawValue: .int(updatedAtMs),
            CodingKeys.resolvedAtMs.rawValue: resolvedAtMs.map { .int($0) } ?? .null,
        ]
    }
}

extension Issue {
    // Declared in an extension so that the memberwise initializer stays available.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        companyID = try container.decode(String.self, forKey: .companyID)
        number = try container.decode(Int64.self, forKey: .number)
        key = try container.decode(String.self, forKey: .key)
        title = try container.decode(String.self, forKey: .title)
        description = try container.decode(String.self, forKey: .description)
        type = try container.decode(String.self, forKey: .type)
        priority = try container.decode(String.self, forKey: .priority)
        status = try container.decode(String.self, forKey: .status)
        assigneeID = try container.decodeIfPresent(String.self, forKey: .assigneeID)
        teamID = try container.decodeIfPresent(String.self, forKey: .teamID)
        createdAtMs = try container.decode(Int64.self, forKey: .createdAtMs)
        updatedAtMs = try container.decode(Int64.self, forKey: .updatedAtMs)
        resolvedAtMs = try container.decodeIfPresent(Int64.self, forKey: .resolvedAtMs)

        // Decoded as any JSON value and checked here, so `rpc.describe` shows an open object rather than
        // the closed, member-less object it records for a dictionary.
        let fields = try container.decode(JSONValue.self, forKey: .customFields)
        customFields = fields.objectValue ?? [:]
        if fields.objectValue == nil && !fields.isNull {
            throw DecodingError.dataCorruptedError(
                forKey: .customFields, in: container, debugDescription: "custom_fields must be an object"
            )
        }
    }
}
