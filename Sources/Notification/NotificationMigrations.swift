import MeshStore

/// The notification database schema, in migration order.
enum NotificationMigrations {
    static let all: [Migration] = [
        Migration(
            id: 1,
            name: "companies and messages",
            sql: """
                CREATE TABLE companies (
                    company_id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    tier TEXT NOT NULL CHECK (tier IN ('basic', 'premium', 'platinum')),
                    status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'deleted')),
                    owner_user_id TEXT NOT NULL,
                    owner_email TEXT NOT NULL,
                    owner_name TEXT NOT NULL,
                    email_enabled INTEGER NOT NULL DEFAULT 1,
                    webhook_integration TEXT,
                    webhook_url TEXT,
                    webhook_problem TEXT,
                    created_at_ms INTEGER NOT NULL,
                    updated_at_ms INTEGER NOT NULL,
                    deleted_at_ms INTEGER
                );

                CREATE TABLE messages (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    message_id TEXT NOT NULL UNIQUE,
                    event_id TEXT NOT NULL,
                    company_id TEXT NOT NULL,
                    recipient TEXT NOT NULL,
                    channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
                    kind TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'dead')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_ms INTEGER,
                    last_error TEXT,
                    webhook_text TEXT,
                    created_at_ms INTEGER NOT NULL,
                    sent_at_ms INTEGER,
                    UNIQUE (event_id, recipient, channel)
                );
                CREATE INDEX messages_by_company ON messages (company_id, seq);
                CREATE INDEX messages_due ON messages (next_attempt_ms)
                    WHERE channel = 'webhook' AND status IN ('pending', 'failed');
                """
        ),
        Migration(
            id: 2,
            name: "operator alerts",
            sql: """
                CREATE TABLE gateway_failures (
                    seq INTEGER PRIMARY KEY,
                    event_id TEXT NOT NULL UNIQUE,
                    at_ms INTEGER NOT NULL,
                    failures INTEGER NOT NULL,
                    provisioning_failures INTEGER NOT NULL
                );
                CREATE INDEX gateway_failures_by_time ON gateway_failures (at_ms);

                CREATE TABLE alert_rules (
                    rule TEXT PRIMARY KEY,
                    firing INTEGER NOT NULL,
                    last_held_at_ms INTEGER
                );

                CREATE TABLE alerts (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    rule TEXT NOT NULL,
                    event_id TEXT NOT NULL,
                    fired_at_ms INTEGER NOT NULL,
                    summary TEXT NOT NULL,
                    figures TEXT NOT NULL,
                    message_id TEXT NOT NULL,
                    UNIQUE (event_id, rule)
                );
                """
        ),
        Migration(
            id: 3,
            name: "relayed mail due",
            sql: """
                CREATE INDEX messages_mail_due ON messages (next_attempt_ms)
                    WHERE channel = 'email' AND status IN ('pending', 'failed');
                """
        ),
        Migration(
            id: 4,
            name: "attempt start",
            sql: """
                ALTER TABLE messages ADD COLUMN attempt_started_ms INTEGER;
                """
        ),
        Migration(
            id: 5,
            name: "company branding",
            sql: """
                ALTER TABLE companies ADD COLUMN branding_name TEXT;
                ALTER TABLE companies ADD COLUMN branding_footer TEXT;
                """
        ),
        Migration(
            id: 6,
            name: "company users",
            sql: """
                -- Each company's users as their events describe them, so owner notices reach the owners of
                -- the day. activated is 1 once an invitation was accepted, which reactivation restores.
                CREATE TABLE users (
                    company_id TEXT NOT NULL,
                    user_id TEXT NOT NULL,
                    email TEXT NOT NULL,
                    name TEXT NOT NULL,
                    role TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('invited', 'active', 'deactivated')),
                    activated INTEGER NOT NULL DEFAULT 0,
                    status_at_ms INTEGER NOT NULL,
                    PRIMARY KEY (company_id, user_id)
                ) WITHOUT ROWID;

                -- The provisioning owner of existing companies keeps getting their notices.
                -- NOTE: owners added to a company before this migration have no row, and the later events
                -- of a user without a row change nothing, so they get owner notices only once invited again.
                INSERT INTO users (company_id, user_id, email, name, role, status, activated, status_at_ms)
                SELECT company_id, owner_user_id, owner_email, owner_name, 'owner', 'active', 1, 0 FROM companies;
                """
        ),
        Migration(
            id: 7,
            name: "dead letters index",
            sql: """
                -- notifications.deadLetters reads the few dead messages among all, newest first.
                CREATE INDEX messages_dead ON messages (seq) WHERE status = 'dead';
                """
        ),
        Migration(
            id: 8,
            name: "dead message alerts",
            sql: """
                -- The dead messages an operator alert has named. notifications.retry deletes a message's row,
                -- so the message is named again if it dies again.
                CREATE TABLE dead_message_alerts (message_id TEXT PRIMARY KEY) WITHOUT ROWID;
                """
        ),
    ]
}
