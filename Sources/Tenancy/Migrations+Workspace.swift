import MeshStore

extension TenancyMigrations {
    /// Teams and issues, from migration id 2 on.
    ///
    /// Issue numbers come from `issue_counters`, never from `MAX(number) + 1` alone, so a number freed by
    /// a deleted issue is never handed out again. Deletion is soft (`deleted_at_ms`), and the partial
    /// indexes below cover only live issues: the limit count, the default listing and each list filter,
    /// all ordered by number for cursor pagination.
    static let workspace: [Migration] = [
        Migration(
            id: 2,
            name: "teams and team members",
            sql: """
                CREATE TABLE teams (
                    id TEXT PRIMARY KEY,
                    company_id TEXT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    created_at_ms INTEGER NOT NULL,
                    UNIQUE (company_id, name COLLATE NOCASE)
                );

                CREATE TABLE team_members (
                    team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
                    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    added_at_ms INTEGER NOT NULL,
                    PRIMARY KEY (team_id, user_id)
                ) WITHOUT ROWID;
                CREATE INDEX team_members_by_user ON team_members (user_id);
                """
        ),
        Migration(
            id: 3,
            name: "issues and issue counters",
            sql: """
                CREATE TABLE issues (
                    id TEXT PRIMARY KEY,
                    company_id TEXT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
                    number INTEGER NOT NULL CHECK (number >= 1),
                    key TEXT NOT NULL,
                    title TEXT NOT NULL,
                    description TEXT NOT NULL DEFAULT '',
                    type TEXT NOT NULL,
                    priority TEXT NOT NULL,
                    status TEXT NOT NULL,
                    assignee_id TEXT REFERENCES users (id) ON DELETE SET NULL,
                    team_id TEXT REFERENCES teams (id) ON DELETE SET NULL,
                    custom_fields TEXT NOT NULL DEFAULT '{}',
                    created_at_ms INTEGER NOT NULL,
                    updated_at_ms INTEGER NOT NULL,
                    resolved_at_ms INTEGER,
                    deleted_at_ms INTEGER,
                    UNIQUE (company_id, number)
                );
                CREATE INDEX issues_live ON issues (company_id, number) WHERE deleted_at_ms IS NULL;
                CREATE INDEX issues_live_by_status ON issues (company_id, status, number) WHERE deleted_at_ms IS NULL;
                CREATE INDEX issues_live_by_assignee ON issues (company_id, assignee_id, number)
                    WHERE deleted_at_ms IS NULL;
                CREATE INDEX issues_live_by_team ON issues (company_id, team_id, number) WHERE deleted_at_ms IS NULL;
                CREATE INDEX issues_live_by_type ON issues (company_id, type, number) WHERE deleted_at_ms IS NULL;
                CREATE INDEX issues_live_by_priority ON issues (company_id, priority, number)
                    WHERE deleted_at_ms IS NULL;
                -- Foreign keys from issues need these to check deletes of users and teams quickly.
                CREATE INDEX issues_by_assignee ON issues (assignee_id) WHERE assignee_id IS NOT NULL;
                CREATE INDEX issues_by_team ON issues (team_id) WHERE team_id IS NOT NULL;

                -- The last issue number handed out per company, deleted issues included.
                CREATE TABLE issue_counters (
                    company_id TEXT PRIMARY KEY REFERENCES companies (id) ON DELETE CASCADE,
                    last_number INTEGER NOT NULL
                ) WITHOUT ROWID;
                """
        ),
    ]
}
