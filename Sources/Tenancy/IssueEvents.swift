import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

/// The payloads of the `issue.*` events, one function per topic, with exactly the members subscribers read.
enum IssueEvents {
    /// One changed field of `issue.updated`: its value before and after.
    struct Change: Sendable {
        var from: JSONValue
        var to: JSONValue
    }

    static func publishCreated(_ issue: Issue, in connection: Connection) throws {
        let payload: JSONValue = [
            "company_id": .string(issue.companyID),
            "issue_id": .string(issue.id),
            "key": .string(issue.key),
            "team_id": optional(issue.teamID),
            "type": .string(issue.type),
            "priority": .string(issue.priority),
            "status": .string(issue.status),
            "assignee_id": optional(issue.assigneeID),
            "created_at_ms": .int(issue.createdAtMs),
        ]
        try connection.publish(EventTopic.issueCreated, payload, atMs: issue.createdAtMs)
    }

    /// Publishes `issue.updated` for `issue` after the change, with each changed field's old and new value.
    static func publishUpdated(_ issue: Issue, changes: [String: Change], atMs: Int64, in connection: Connection) throws
    {
        let changed = changes.mapValues { change -> JSONValue in
            ["from": change.from, "to": change.to]
        }
        let payload: JSONValue = [
            "company_id": .string(issue.companyID),
            "issue_id": .string(issue.id),
            "changes": .object(changed),
            "team_id": optional(issue.teamID),
            "type": .string(issue.type),
            "priority": .string(issue.priority),
            "at_ms": .int(atMs),
        ]
        try connection.publish(EventTopic.issueUpdated, payload, atMs: atMs)
    }

    /// Publishes `issue.transitioned` for `issue` after the move, and `issue.resolved` when it entered
    /// the final status or `issue.reopened` when it left it.
    ///
    /// An issue that keeps an earlier resolution (moved by `companies.configure` from the old final
    /// status to the new one) gets `issue.transitioned` alone, with that `resolved_at_ms` and a null
    /// `resolution_id`, so subscribers count no new resolution.
    static func publishTransition(
        _ issue: Issue,
        from previous: Issue,
        atMs: Int64,
        in connection: Connection
    ) throws {
        // Both events of one resolution carry the same id, so a subscriber counts it once however many
        // resolutions the issue has, even several in the same millisecond.
        let resolves = issue.resolvedAtMs != nil && previous.resolvedAtMs == nil
        let resolutionID: JSONValue = resolves ? .string(Identifier.make(prefix: "res")) : .null

        try connection.publish(
            EventTopic.issueTransitioned,
            [
                "company_id": .string(issue.companyID),
                "issue_id": .string(issue.id),
                "team_id": optional(issue.teamID),
                "type": .string(issue.type),
                "priority": .string(issue.priority),
                "from_status": .string(previous.status),
                "to_status": .string(issue.status),
                "at_ms": .int(atMs),
                "resolved_at_ms": issue.resolvedAtMs.map { .int($0) } ?? .null,
                "resolution_id": resolutionID,
            ],
            atMs: atMs
        )

        if resolves, let resolvedAtMs = issue.resolvedAtMs {
            try connection.publish(
                EventTopic.issueResolved,
                [
                    "company_id": .string(issue.companyID),
                    "issue_id": .string(issue.id),
                    "team_id": optional(issue.teamID),
                    "type": .string(issue.type),
                    "priority": .string(issue.priority),
                    "created_at_ms": .int(issue.createdAtMs),
                    "resolved_at_ms": .int(resolvedAtMs),
                    "resolution_id": resolutionID,
                ],
                atMs: atMs
            )
        } else if issue.resolvedAtMs == nil, previous.resolvedAtMs != nil {
            try connection.publish(
                EventTopic.issueReopened,
                [
                    "company_id": .string(issue.companyID),
                    "issue_id": .string(issue.id),
                    "team_id": optional(issue.teamID),
                    "at_ms": .int(atMs),
                ],
                atMs: atMs
            )
        }
    }

    static func publishDeleted(_ issue: Issue, atMs: Int64, in connection: Connection) throws {
        let payload: JSONValue = [
            "company_id": .string(issue.companyID),
            "issue_id": .string(issue.id),
            "team_id": optional(issue.teamID),
            "status": .string(issue.status),
            "at_ms": .int(atMs),
        ]
        try connection.publish(EventTopic.issueDeleted, payload, atMs: atMs)
    }

    private static func optional(_ text: String?) -> JSONValue {
        text.map { .string($0) } ?? .null
    }
}
