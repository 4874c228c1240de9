import MeshStore

/// The rollup writes several handlers share.
extension EventIngest {
    /// Adds to the counters of one company's day, creating the row on first use.
    static func addToDaily(
        _ companyID: String,
        day: String,
        created: Int64 = 0,
        resolved: Int64 = 0,
        resolutionMs: Int64 = 0,
        timed: Int64 = 0,
        activeUsers: Int64 = 0,
        _ connection: Connection
    ) throws {
        try connection.execute(
            """
            INSERT INTO daily (company_id, day, issues_created, issues_resolved, resolution_ms_sum,
                               resolutions_timed, active_users)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (company_id, day) DO UPDATE SET
                issues_created = issues_created + excluded.issues_created,
                issues_resolved = issues_resolved + excluded.issues_resolved,
                resolution_ms_sum = resolution_ms_sum + excluded.resolution_ms_sum,
                resolutions_timed = resolutions_timed + excluded.resolutions_timed,
                active_users = active_users + excluded.active_users
            """,
            [
                .text(companyID), .text(day), .integer(created), .integer(resolved), .integer(resolutionMs),
                .integer(timed), .integer(activeUsers),
            ]
        )
    }

    /// Counts `userID` as active on the day holding `atMs`, once per user and day.
    static func markActive(_ companyID: String, userID: String, atMs: Int64, _ connection: Connection) throws {
        let day = UTCCalendar.dayString(atMs)
        try connection.execute(
            "INSERT INTO daily_active_users (company_id, day, user_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [.text(companyID), .text(day), .text(userID)]
        )
        if connection.changes == 1 {
            try addToDaily(companyID, day: day, activeUsers: 1, connection)
        }
    }

    /// Records that an issue reached its final status at `resolvedAtMs`. The same resolution reported
    /// twice (by issue.transitioned and issue.resolved, or redelivered) is counted once: both carry the
    /// same `resolutionID`, or, from senders without one, the same time.
    static func recordResolution(
        _ companyID: String,
        issueID: String,
        resolutionID: String?,
        resolvedAtMs: Int64,
        createdAtMs: Int64?,
        teamID: String?,
        _ connection: Connection
    ) throws {
        let known = try connection.queryOne(
            "SELECT created_at_ms, team_id FROM issues WHERE company_id = ? AND issue_id = ?",
            [.text(companyID), .text(issueID)]
        )
        let created = createdAtMs ?? known?.int("created_at_ms")
        let team = teamID ?? known?.string("team_id")
        // A clock step backwards between creation and resolution must not produce a negative duration.
        let duration = created.map { max(0, resolvedAtMs - $0) }

        try connection.execute(
            """
            INSERT INTO resolutions (company_id, issue_id, resolution_key, resolved_at_ms, created_at_ms,
                                     resolution_ms, team_id)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """,
            [
                .text(companyID), .text(issueID), .text(resolutionID ?? "at:\(resolvedAtMs)"), .integer(resolvedAtMs),
                SQLValue(created), SQLValue(duration), SQLValue(team),
            ]
        )
        guard connection.changes == 1 else {
            // Counted already. An event that came before issue.created may have left it without a duration.
            if let created {
                try timeResolutions(companyID, issueID: issueID, createdAtMs: created, connection)
            }
            return
        }

        try addToDaily(
            companyID,
            day: UTCCalendar.dayString(resolvedAtMs),
            resolved: 1,
            resolutionMs: duration ?? 0,
            timed: duration == nil ? 0 : 1,
            connection
        )
    }

    /// Sets the duration of the issue's resolutions recorded without one, because their events came
    /// before the creation time, and adds it to the days the resolutions count on.
    static func timeResolutions(
        _ companyID: String, issueID: String, createdAtMs: Int64, _ connection: Connection
    ) throws {
        let untimed = try connection.query(
            """
            SELECT resolution_key, resolved_at_ms FROM resolutions
            WHERE company_id = ? AND issue_id = ? AND resolution_ms IS NULL
            """,
            [.text(companyID), .text(issueID)]
        )

        for row in untimed {
            let resolvedAtMs = try row.requireInt("resolved_at_ms")
            let duration = max(0, resolvedAtMs - createdAtMs)

            try connection.execute(
                """
                UPDATE resolutions SET created_at_ms = ?, resolution_ms = ?
                WHERE company_id = ? AND issue_id = ? AND resolution_key = ?
                """,
                [
                    .integer(createdAtMs), .integer(duration), .text(companyID), .text(issueID),
                    .text(try row.requireString("resolution_key")),
                ]
            )
            try addToDaily(
                companyID, day: UTCCalendar.dayString(resolvedAtMs), resolutionMs: duration, timed: 1, connection)
        }
    }
}
