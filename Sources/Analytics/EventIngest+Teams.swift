import MeshStore

/// team.* events: teams and their memberships.
extension EventIngest {
    static func applyTeamCreated(_ payload: EventPayload, _ companyID: String, _ connection: Connection) throws {
        let teamID = try payload.requireString("team_id")

        try connection.execute(
            """
            INSERT INTO teams (company_id, team_id, name, created_at_ms) VALUES (?, ?, ?, ?)
            ON CONFLICT (company_id, team_id) DO UPDATE SET
                name = COALESCE(teams.name, excluded.name),
                created_at_ms = COALESCE(teams.created_at_ms, excluded.created_at_ms)
            """,
            [.text(companyID), .text(teamID), SQLValue(payload.string("name")), .integer(payload.atMs)]
        )
    }

    static func applyTeamMemberAdded(_ payload: EventPayload, _ companyID: String, _ connection: Connection) throws {
        let teamID = try payload.requireString("team_id")
        let userID = try payload.requireString("user_id")

        // A membership may arrive before its team.created; the team row is filled in when that arrives.
        try connection.execute(
            "INSERT INTO teams (company_id, team_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [.text(companyID), .text(teamID)]
        )
        try connection.execute(
            "INSERT INTO team_members (company_id, team_id, user_id, added_at_ms) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [.text(companyID), .text(teamID), .text(userID), .integer(payload.atMs)]
        )
    }

    static func applyTeamMemberRemoved(_ payload: EventPayload, _ companyID: String, _ connection: Connection) throws {
        let teamID = try payload.requireString("team_id")
        let userID = try payload.requireString("user_id")

        try connection.execute(
            "DELETE FROM team_members WHERE company_id = ? AND team_id = ? AND user_id = ?",
            [.text(companyID), .text(teamID), .text(userID)]
        )
    }
}
