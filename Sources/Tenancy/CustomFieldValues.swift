import MeshProtocol

/// The JSON shape of an issue's custom field values, for `rpc.describe`.
///
/// Values are text, numbers, booleans, dates as `YYYY-MM-DD` text and select options as text. In
/// params a null value counts as absent on create and removes the value on update.
enum CustomFieldValues {
    /// Values as issues carry them.
    static let storedSchema: JSONValue = [
        "type": "object",
        "additionalProperties": ["type": ["string", "number", "boolean"]],
    ]

    /// Values as `issues.create` and `issues.update` take them.
    static let paramsSchema: JSONValue = [
        "type": "object",
        "additionalProperties": ["type": ["string", "number", "boolean", "null"]],
    ]
}
