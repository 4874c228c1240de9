import MeshProtocol

extension Issue {
    /// Returns the fields that differ from `earlier`, each with its old and new value, keyed by wire name.
    ///
    /// Covers the fields that `issues.update` and `issues.assign` change. Status changes and timestamps
    /// have their own events.
    func changes(since earlier: Issue) -> [String: IssueEvents.Change] {
        var changes: [String: IssueEvents.Change] = [:]

        func compare(_ name: String, _ old: JSONValue, _ new: JSONValue) {
            if old != new {
                changes[name] = IssueEvents.Change(from: old, to: new)
            }
        }
        compare("title", .string(earlier.title), .string(title))
        compare("description", .string(earlier.description), .string(description))
        compare("type", .string(earlier.type), .string(type))
        compare("priority", .string(earlier.priority), .string(priority))
        compare("team_id", Self.json(earlier.teamID), Self.json(teamID))
        compare("assignee_id", Self.json(earlier.assigneeID), Self.json(assigneeID))
        compare("custom_fields", .object(earlier.customFields), .object(customFields))
        return changes
    }

    private static func json(_ text: String?) -> JSONValue {
        text.map { .string($0) } ?? .null
    }
}
