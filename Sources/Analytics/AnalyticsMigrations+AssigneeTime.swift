import MeshStore

extension AnalyticsMigrations {
    /// When each issue's assignee was last set by `issue.updated`, from migration id 5 on.
    ///
    /// With it, an `issue.created` that arrives after an update no longer brings back an assignee that
    /// the update removed. Rows from before this migration have 0, as if no update had set the assignee.
    static let assigneeTime: [Migration] = [
        Migration(
            id: 5,
            name: "time of each issue's last assignee change",
            sql: "ALTER TABLE issues ADD COLUMN assignee_at_ms INTEGER NOT NULL DEFAULT 0;"
        )
    ]
}
