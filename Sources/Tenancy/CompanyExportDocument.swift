import MeshProtocol
import MeshRuntime
import TenantModel

/// The result of `companies.export`: tenancy's part of a company's data, with each peer's export under
/// its process name, as one JSON document.
///
/// Tenancy's members get their schemas from the types that produce them. Each peer's part is described
/// by that peer's own export method.
struct CompanyExportDocument: Codable, Sendable, JSONSchemaProviding {
    var document: JSONValue

    init(_ document: JSONValue) {
        self.document = document
    }

    init(from decoder: any Decoder) throws {
        document = try decoder.singleValueContainer().decode(JSONValue.self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(document)
    }

    static var jsonSchema: JSONValue {
        func list(_ type: any Decodable.Type) -> JSONValue {
            ["type": "array", "items": SchemaRecorder.schema(for: type)]
        }

        var properties: [String: JSONValue] = [
            "company": SchemaRecorder.schema(for: CompanyView.self),
            "settings": SchemaRecorder.schema(for: CompanySettings.self),
            "users": list(UserView.self),
            "invitations": ["type": "array", "items": invitationSchema],
            "api_keys": list(KeyView.self),
            "audit": list(AuditEntry.self),
            "workspace": [
                "type": "object",
                "properties": [
                    "teams": list(Team.self),
                    "issues": ["type": "array", "items": exportedIssueSchema],
                    "last_issue_number": ["type": "integer"],
                ],
                "required": ["teams", "issues", "last_issue_number"],
                "additionalProperties": false,
            ],
            "exported_at_ms": ["type": "integer"],
        ]
        for (process, _) in CompanyExport.peerExports {
            properties[process] = ["type": "object"]
        }

        return [
            "type": "object",
            "properties": .object(properties),
            "required": .array(properties.keys.sorted().map { .string($0) }),
            "additionalProperties": false,
        ]
    }

    /// One issue as `WorkspaceExport.issues` writes it: the issue, and when it was deleted, if it was.
    private static var exportedIssueSchema: JSONValue {
        var schema = SchemaRecorder.schema(for: Issue.self).objectValue ?? [:]
        var properties = schema["properties"]?.objectValue ?? [:]
        properties["deleted_at_ms"] = ["type": ["integer", "null"]]
        schema["properties"] = .object(properties)
        schema["required"] = .array((schema["required"]?.arrayValue ?? []) + ["deleted_at_ms"])
        return .object(schema)
    }

    /// One invitation as `CompanyExport.local` writes it.
    private static let invitationSchema: JSONValue = [
        "type": "object",
        "properties": [
            "invitation_id": ["type": "string"],
            "user_id": ["type": "string"],
            "invited_by": ["type": "string"],
            "purpose": ["type": "string", "enum": ["join", "recovery"]],
            "created_at_ms": ["type": "integer"],
            "expires_at_ms": ["type": "integer"],
            "used_at_ms": ["type": ["integer", "null"]],
        ],
        "required": [
            "invitation_id", "user_id", "invited_by", "purpose", "created_at_ms", "expires_at_ms", "used_at_ms",
        ],
        "additionalProperties": false,
    ]
}
