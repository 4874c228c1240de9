import MeshProtocol
import MeshRuntime

extension SettingsPatch {
    /// The schema of a patch: the settings' own schema with every member optional, `notifications`
    /// and a custom field's `required` included, and at least one member given.
    static var jsonSchema: JSONValue {
        guard var members = SchemaRecorder.schema(for: CompanySettings.self).objectValue,
            var properties = members["properties"]?.objectValue
        else {
            return ["type": "object", "minProperties": 1]
        }

        if var notifications = properties[CompanySettings.CodingKeys.notifications.rawValue]?.objectValue {
            notifications["required"] = nil
            properties[CompanySettings.CodingKeys.notifications.rawValue] = .object(notifications)
        }
        // A new custom field's `required` defaults to false, so only its name and type must be given.
        let fieldsKey = CompanySettings.CodingKeys.customFields.rawValue
        if var fields = properties[fieldsKey]?.objectValue, var field = fields["items"]?.objectValue {
            field["required"] = ["name", "type"]
            fields["items"] = .object(field)
            properties[fieldsKey] = .object(fields)
        }
        members["properties"] = .object(properties)
        members["required"] = nil
        members["minProperties"] = 1
        return .object(members)
    }
}

extension ConfigureParams: MemberSchemaProviding {
    /// `status_moves` maps status names to status names, so any member name is allowed and each value is
    /// a name.
    static var memberSchemas: [String: JSONValue] {
        [
            CodingKeys.settings.rawValue: SettingsPatch.jsonSchema,
            CodingKeys.statusMoves.rawValue: ["type": "object", "additionalProperties": ["type": "string"]],
        ]
    }
}
