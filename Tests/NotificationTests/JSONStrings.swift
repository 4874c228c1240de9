import MeshProtocol

extension JSONValue {
    /// Every string in the value, member names included, for checking that a secret appears nowhere.
    var allStrings: [String] {
        switch self {
        case .string(let text):
            return [text]
        case .array(let elements):
            return elements.flatMap(\.allStrings)
        case .object(let members):
            return members.flatMap { [$0.key] + $0.value.allStrings }
        case .null, .bool, .int, .double:
            return []
        }
    }
}
