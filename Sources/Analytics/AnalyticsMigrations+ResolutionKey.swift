import MeshStore

extension AnalyticsMigrations {
    /// Resolutions keyed by the id tenancy gives each resolution, from migration id 2 on.
    ///
    /// Keyed by resolution time, two resolutions of one issue in the same millisecond (resolve, reopen
    /// and resolve again under a stopped test clock) counted once. `resolution_key` is the
    /// `resolution_id` of the events, or `at:<resolved_at_ms>` for events sent without one.
    static let resolutionKey: [Migration] = [
        Migration(
            id: 2,
            name: "resolutions keyed by resolution id",
            sql: """
                CREATE TABLE resolutions_keyed (
                    company_id TEXT NOT NULL,
                    issue_id TEXT NOT NULL,
                    resolution_key TEXT NOT NULL,
                    resolved_at_ms INTEGER NOT NULL,
                    created_at_ms INTEGER,
                    resolution_ms INTEGER,
                    team_id TEXT,
                    PRIMARY KEY (company_id, issue_id, resolution_key)
                ) WITHOUT ROWID;
                INSERT INTO resolutions_keyed
                    SELECT company_id, issue_id, 'at:' || resolved_at_ms, resolved_at_ms, created_at_ms, resolution_ms,
                           team_id
                    FROM resolutions;
                DROP TABLE resolutions;
                ALTER TABLE resolutions_keyed RENAME TO resolutions;
                CREATE INDEX resolutions_by_time ON resolutions (company_id, resolved_at_ms);
                CREATE INDEX resolutions_by_team ON resolutions (company_id, team_id, resolved_at_ms);
                """
        )
    ]
}
