import MeshProtocol

extension CompanyReport {
    /// Returns the report cut to at most `budget` bytes of JSON, for a frame limit lowered with
    /// `MESH_MAX_FRAME_BYTES`.
    ///
    /// Teams give way first: the report keeps as many of its teams as fit, at least one, and
    /// `teams_next_cursor` lists the rest. When the days alone take more than `budget`, throws
    /// RESOURCE_EXHAUSTED naming `days` and how many days would fit.
    func fitted(toBytes budget: Int) throws -> CompanyReport {
        let size = try Self.encodedSize(self)
        guard size > budget else {
            return self
        }

        var report = self
        var fittedSize = size
        if let teams, teams.count > 1 {
            // The cursor that the cut adds takes room too: its member name and a team id.
            let longestID = teams.map { $0.teamID.utf8.count }.max() ?? 0
            var excess = size - budget + #","teams_next_cursor":"#.utf8.count + longestID + 2
            var keptTeams = teams.count
            while keptTeams > 1 && excess > 0 {
                keptTeams -= 1
                excess -= try Self.encodedSize(teams[keptTeams]) + 1
            }
            report.teams = Array(teams.prefix(keptTeams))
            report.teamsNextCursor = teams[keptTeams - 1].teamID
            fittedSize = try Self.encodedSize(report)
        }
        guard fittedSize > budget else {
            return report
        }

        // Each day takes its entry in issues_per_day and a seventh of a week's entry. A week's margin
        // covers the weeks that a shorter window cuts in two.
        let days = issuesPerDay.count
        let dayBytes = try Self.encodedSize(issuesPerDay) + Self.encodedSize(issuesPerWeek)
        let perDay = max(1, dayBytes / max(days, 1))
        let fitting = max(1, days - (fittedSize - budget + perDay - 1) / perDay - 7)
        let withTeam = (teams?.isEmpty ?? true) ? "" : ", with one team"
        throw RPCError(
            .resourceExhausted,
            "the report of \(days) days is about \(fittedSize) bytes, more than the \(budget) that a reply may take "
                + "under this mesh's frame limit; ask for fewer days (about \(fitting) fit\(withTeam)) or raise "
                + "MESH_MAX_FRAME_BYTES for the mesh and its clients",
            details: [
                "field": "days", "days": .int(Int64(days)), "days_fitting": .int(Int64(fitting)),
                "size": .int(Int64(fittedSize)), "limit": .int(Int64(budget)),
            ],
            retryable: false
        )
    }

    private static func encodedSize<Value: Encodable>(_ value: Value) throws -> Int {
        JSONWriter.serialize(try JSONValue(encoding: value)).count
    }
}
