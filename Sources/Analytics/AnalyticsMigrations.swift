import MeshStore

/// The analytics database schema: a log of every event received plus the rollups that reports read.
///
/// Rollups are updated in the same transaction that records the event, so a report never reads an event
/// without its effect. No table has foreign keys, because events of a company may arrive before the
/// event that introduces it.
enum AnalyticsMigrations {
    static let all: [Migration] = [
        Migration(
            id: 1,
            name: "event log and rollups",
            sql: """
                -- Every event applied, with secrets (invitation tokens) removed from the payload.
                -- NOTE: rows leave this log only when their company is deleted; there is no retention limit.
                CREATE TABLE events (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    event_id TEXT NOT NULL UNIQUE,
                    topic TEXT NOT NULL,
                    company_id TEXT NOT NULL,
                    at_ms INTEGER NOT NULL,
                    payload TEXT NOT NULL
                );
                CREATE INDEX events_by_company ON events (company_id, seq);

                -- One row per company. A row made by a lifecycle event that came before company.provisioned
                -- has provisioned = 0 and no name; reports and the overview skip it until provisioning arrives.
                -- tier_at_ms and status_at_ms keep an older event from undoing a newer one.
                CREATE TABLE companies (
                    id TEXT PRIMARY KEY,
                    name TEXT,
                    tier TEXT CHECK (tier IS NULL OR tier IN ('basic', 'premium', 'platinum')),
                    tier_at_ms INTEGER,
                    status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'deleted')),
                    status_at_ms INTEGER,
                    created_at_ms INTEGER,
                    suspended_at_ms INTEGER,
                    suspension_reason TEXT,
                    reactivate_at_ms INTEGER,
                    reactivated_at_ms INTEGER,
                    deleted_at_ms INTEGER,
                    integrations TEXT NOT NULL DEFAULT '["email"]',
                    custom_fields INTEGER NOT NULL DEFAULT 0,
                    configured_at_ms INTEGER,
                    provisioned INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX companies_by_status ON companies (provisioned, status, tier);

                CREATE TABLE users (
                    company_id TEXT NOT NULL,
                    user_id TEXT NOT NULL,
                    role TEXT,
                    status TEXT NOT NULL CHECK (status IN ('invited', 'active', 'deactivated')),
                    status_at_ms INTEGER NOT NULL,
                    invited_at_ms INTEGER,
                    activated_at_ms INTEGER,
                    deactivated_at_ms INTEGER,
                    PRIMARY KEY (company_id, user_id)
                ) WITHOUT ROWID;

                CREATE TABLE teams (
                    company_id TEXT NOT NULL,
                    team_id TEXT NOT NULL,
                    name TEXT,
                    created_at_ms INTEGER,
                    PRIMARY KEY (company_id, team_id)
                ) WITHOUT ROWID;

                CREATE TABLE team_members (
                    company_id TEXT NOT NULL,
                    team_id TEXT NOT NULL,
                    user_id TEXT NOT NULL,
                    added_at_ms INTEGER NOT NULL,
                    PRIMARY KEY (company_id, team_id, user_id)
                ) WITHOUT ROWID;

                -- The current state of each issue. creation_counted says whether issue.created has been
                -- counted in daily; state_at_ms is the time of the last status change applied.
                CREATE TABLE issues (
                    company_id TEXT NOT NULL,
                    issue_id TEXT NOT NULL,
                    team_id TEXT,
                    type TEXT,
                    priority TEXT,
                    status TEXT,
                    assignee_id TEXT,
                    created_at_ms INTEGER,
                    resolved_at_ms INTEGER,
                    state_at_ms INTEGER NOT NULL DEFAULT 0,
                    deleted INTEGER NOT NULL DEFAULT 0,
                    deleted_at_ms INTEGER,
                    creation_counted INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (company_id, issue_id)
                ) WITHOUT ROWID;
                CREATE INDEX issues_live ON issues (company_id, deleted, resolved_at_ms);
                CREATE INDEX issues_by_team ON issues (company_id, team_id);

                -- One row per time an issue reached its final status; the key makes a repeated fact count once.
                CREATE TABLE resolutions (
                    company_id TEXT NOT NULL,
                    issue_id TEXT NOT NULL,
                    resolved_at_ms INTEGER NOT NULL,
                    created_at_ms INTEGER,
                    resolution_ms INTEGER,
                    team_id TEXT,
                    PRIMARY KEY (company_id, issue_id, resolved_at_ms)
                ) WITHOUT ROWID;
                CREATE INDEX resolutions_by_time ON resolutions (company_id, resolved_at_ms);
                CREATE INDEX resolutions_by_team ON resolutions (company_id, team_id, resolved_at_ms);

                -- Per company and UTC day; resolution_ms_sum and resolutions_timed cover resolutions whose
                -- creation time is known.
                CREATE TABLE daily (
                    company_id TEXT NOT NULL,
                    day TEXT NOT NULL,
                    issues_created INTEGER NOT NULL DEFAULT 0,
                    issues_resolved INTEGER NOT NULL DEFAULT 0,
                    resolution_ms_sum INTEGER NOT NULL DEFAULT 0,
                    resolutions_timed INTEGER NOT NULL DEFAULT 0,
                    active_users INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (company_id, day)
                ) WITHOUT ROWID;

                CREATE TABLE daily_active_users (
                    company_id TEXT NOT NULL,
                    day TEXT NOT NULL,
                    user_id TEXT NOT NULL,
                    PRIMARY KEY (company_id, day, user_id)
                ) WITHOUT ROWID;

                CREATE TABLE api_usage (
                    company_id TEXT NOT NULL,
                    day TEXT NOT NULL,
                    calls INTEGER NOT NULL,
                    updated_at_ms INTEGER NOT NULL,
                    PRIMARY KEY (company_id, day)
                ) WITHOUT ROWID;

                CREATE TABLE tier_history (
                    company_id TEXT NOT NULL,
                    at_ms INTEGER NOT NULL,
                    from_tier TEXT,
                    to_tier TEXT NOT NULL,
                    event_id TEXT NOT NULL,
                    PRIMARY KEY (company_id, at_ms, to_tier)
                ) WITHOUT ROWID;
                """
        )
    ]
}
