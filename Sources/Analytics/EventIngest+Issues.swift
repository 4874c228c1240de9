import MeshProtocol
import MeshStore

/// issue.* events: the current state of each issue, its resolutions and the daily counters.
///
/// Status changes carry their time, stored in `state_at_ms`. An older change is still logged and its
/// resolution still counted, but it does not overwrite the newer state.
extension EventIngest {
    static func applyIssueCreated(_ payload: EventPayload, _ companyID: String, _ connection: Connection) throws {
        let issueID = try payload.requireString("issue_id")
        let createdAt = try payload.int("created_at_ms") ?? payload.atMs

        // The update only runs on a row made by a later event that arrived first (creation_counted = 0),
        // so a repeated issue.created is counted once. Every issue event carries the issue's current
        // team, so the row's team is kept, even when null. The creation's status and assignee fill in
        // only what no later status change or assignee change has set.
        try connection.execute(
            """
            INSERT INTO issues (company_id, issue_id, team_id, type, priority, status, assignee_id, created_at_ms,
                                state_at_ms, creation_counted)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
            ON CONFLICT (company_id, issue_id) DO UPDATE SET
                created_at_ms = excluded.created_at_ms,
                type = COALESCE(issues.type, excluded.type),
                priority = COALESCE(issues.priority, excluded.priority),
                status = CASE WHEN issues.state_at_ms > excluded.state_at_ms THEN issues.status
                              ELSE COALESCE(issues.status, excluded.status) END,
                assignee_id = CASE WHEN issues.assignee_at_ms > 0 THEN issues.assignee_id
                                   ELSE COALESCE(issues.assignee_id, excluded.assignee_id) END,
                state_at_ms = MAX(issues.state_at_ms, excluded.state_at_ms),
                creation_counted = 1
            WHERE issues.creation_counted = 0
            """,
            [
                .text(companyID), .text(issueID), SQLValue(payload.string("team_id")), SQLValue(payload.string("type")),
                SQLValue(payload.string("priority")), SQLValue(payload.string("status")),
                SQLValue(payload.string("assignee_id")), .integer(createdAt), .integer(createdAt),
            ]
        )
        guard connection.changes == 1 else {
            return
        }

        try addToDaily(companyID, day: UTCCalendar.dayString(createdAt), created: 1, connection)
        try timeResolutions(companyID, issueID: issueID, createdAtMs: createdAt, connection)
    }

    static func applyIssueUpdated(_ payload: EventPayload, _ companyID: String, _ connection: Connection) throws {
        let issueID = try payload.requireString("issue_id")
        try ensureIssue(companyID, issueID, payload, connection)

        var assignments: [String] = []
        var arguments: [SQLValue] = []
        for column in ["team_id", "type", "priority"] {
            if let value = payload.event.payload[column] {
                assignments.append("\(column) = ?")
                arguments.append(value.stringValue.map { .text($0) } ?? .null)
            }
        }
        let changes = payload.event.payload["changes"]
        if let assignee = changes?["assignee_id"] ?? changes?["assignee"], let target = assignee["to"] {
            assignments.append("assignee_id = ?")
            arguments.append(target.stringValue.map { .text($0) } ?? .null)
            assignments.append("assignee_at_ms = ?")
            arguments.append(.integer(max(try payload.atMs, 1)))
        }
        guard !assignments.isEmpty else {
            return
        }

        try connection.execute(
            "UPDATE issues SET \(assignments.joined(separator: ", ")) WHERE company_id = ? AND issue_id = ?",
            arguments + [.text(companyID), .text(issueID)]
        )
    }

    static func applyIssueTransitioned(_ payload: EventPayload, _ companyID: String, _ connection: Connection) throws {
        let issueID = try payload.requireString("issue_id")
        let target = try payload.requireString("to_status")
        let resolvedAt = try payload.int("resolved_at_ms")
        let atMs = try payload.atMs
        try ensureIssue(companyID, issueID, payload, connection)

        try connection.execute(
            """
            UPDATE issues SET status = ?1, resolved_at_ms = ?2, state_at_ms = ?3
            WHERE company_id = ?4 AND issue_id = ?5 AND state_at_ms <= ?3
            """,
            [.text(target), SQLValue(resolvedAt), .integer(atMs), .text(companyID), .text(issueID)]
        )
        // A null resolution_id means the move resolved nothing, so its resolution time is an earlier one
        // the issue kept (a move from the old final status to the new one) and is counted already.
        // Events without the member come from an older tenancy, so their resolution time counts.
        let keptResolution = payload.event.payload["resolution_id"]?.isNull == true
        if let resolvedAt, !keptResolution {
            try recordResolution(
                companyID, issueID: issueID, resolutionID: payload.string("resolution_id"), resolvedAtMs: resolvedAt,
                createdAtMs: nil, teamID: payload.string("team_id"), connection
            )
        }
    }

    static func applyIssueResolved(_ payload: EventPayload, _ companyID: String, _ connection: Connection) throws {
        let issueID = try payload.requireString("issue_id")
        let resolvedAt = try payload.requireInt("resolved_at_ms")
        let createdAt = try payload.int("created_at_ms")
        try ensureIssue(companyID, issueID, payload, connection)

        try connection.execute(
            """
            UPDATE issues SET resolved_at_ms = ?1, state_at_ms = ?1, created_at_ms = COALESCE(created_at_ms, ?2)
            WHERE company_id = ?3 AND issue_id = ?4 AND state_at_ms <= ?1
            """,
            [.integer(resolvedAt), SQLValue(createdAt), .text(companyID), .text(issueID)]
        )
        try recordResolution(
            companyID, issueID: issueID, resolutionID: payload.string("resolution_id"), resolvedAtMs: resolvedAt,
            createdAtMs: createdAt, teamID: payload.string("team_id"), connection
        )
    }

    /// Reopening clears the resolution time of the issue; the earlier resolution stays counted on its day.
    static func applyIssueReopened(_ payload: EventPayload, _ companyID: String, _ connection: Connection) throws {
        let issueID = try payload.requireString("issue_id")
        let atMs = try payload.atMs
        try ensureIssue(companyID, issueID, payload, connection)

        try connection.execute(
            """
            UPDATE issues SET resolved_at_ms = NULL, state_at_ms = ?1
            WHERE company_id = ?2 AND issue_id = ?3 AND state_at_ms <= ?1
            """,
            [.integer(atMs), .text(companyID), .text(issueID)]
        )
    }

    static func applyIssueDeleted(_ payload: EventPayload, _ companyID: String, _ connection: Connection) throws {
        let issueID = try payload.requireString("issue_id")
        let atMs = try payload.atMs
        try ensureIssue(companyID, issueID, payload, connection)

        try connection.execute(
            """
            UPDATE issues SET deleted = 1, deleted_at_ms = COALESCE(deleted_at_ms, ?1), status = COALESCE(?2, status)
            WHERE company_id = ?3 AND issue_id = ?4
            """,
            [.integer(atMs), SQLValue(payload.string("status")), .text(companyID), .text(issueID)]
        )
    }

    /// Inserts the row of an issue whose issue.created has not arrived, filled from this event's payload.
    static func ensureIssue(_ companyID: String, _ issueID: String, _ payload: EventPayload, _ connection: Connection)
        throws
    {
        try connection.execute(
            """
            INSERT INTO issues (company_id, issue_id, team_id, type, priority, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (company_id, issue_id) DO NOTHING
            """,
            [
                .text(companyID), .text(issueID), SQLValue(payload.string("team_id")), SQLValue(payload.string("type")),
                SQLValue(payload.string("priority")), SQLValue(payload.int("created_at_ms")),
            ]
        )
    }
}
