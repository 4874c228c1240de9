import MeshProtocol

/// A team of one company, with the ids of its members.
public struct Team: Codable, Sendable, Hashable {
    public var id: String
    public var companyID: String
    public var name: String
    public var createdAtMs: Int64
    /// Member user ids, sorted.
    public var memberIDs: [String]

    enum CodingKeys: String, CodingKey {
        case id = "team_id"
        case companyID = "company_id"
        case name
        case createdAtMs = "created_at_ms"
        case memberIDs = "member_ids"
        case memberCount = "member_count"
    }

    public init(id: String, companyID: String, name: String, createdAtMs: Int64, memberIDs: [String]) {
        self.id = id
        self.companyID = companyID
        self.name = name
        self.createdAtMs = createdAtMs
        self.memberIDs = memberIDs
    }

    public var memberCount: Int {
        memberIDs.count
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        companyID = try container.decode(String.self, forKey: .companyID)
        name = try container.decode(String.self, forKey: .name)
        createdAtMs = try container.decode(Int64.self, forKey: .createdAtMs)
        memberIDs = try container.decode([String].self, forKey: .memberIDs)
        _ = try container.decode(Int.self, forKey: .memberCount)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(companyID, forKey: .companyID)
        try container.encode(name, forKey: .name)
        try container.encode(createdAtMs, forKey: .createdAtMs)
        try container.encode(memberIDs, forKey: .memberIDs)
        try container.encode(memberCount, forKey: .memberCount)
    }

    /// The team as stored, for audit entries and exports.
    public var json: JSONValue {
        [
            "team_id": .string(id),
            "company_id": .string(companyID),
            "name": .string(name),
            "created_at_ms": .int(createdAtMs),
            "member_ids": .array(memberIDs.map { .string($0) }),
            "member_count": .int(Int64(memberCount)),
        ]
    }
}
