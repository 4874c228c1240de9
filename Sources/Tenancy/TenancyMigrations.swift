import MeshStore

/// The tenancy database schema, in migration order.
///
/// `core` (id 1) contains companies, people and access. The workspace migrations (teams and issues,
/// from id 2) are declared next to the code that uses them.
enum TenancyMigrations {
    static let core: [Migration] = [
        Migration(
            id: 1,
            name: "companies, users, invitations, api keys, audit, idempotency",
            sql: """
                CREATE TABLE companies (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    key_prefix TEXT NOT NULL UNIQUE,
                    tier TEXT NOT NULL CHECK (tier IN ('basic', 'premium', 'platinum')),
                    status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'deleted')),
                    settings TEXT NOT NULL,
                    created_at_ms INTEGER NOT NULL,
                    updated_at_ms INTEGER NOT NULL,
                    suspended_at_ms INTEGER,
                    reactivate_at_ms INTEGER,
                    suspend_reason TEXT,
                    deleted_at_ms INTEGER
                );
                CREATE INDEX companies_by_creation ON companies (created_at_ms, id);
                CREATE INDEX companies_due_for_reactivation ON companies (reactivate_at_ms)
                    WHERE reactivate_at_ms IS NOT NULL;

                CREATE TABLE users (
                    id TEXT PRIMARY KEY,
                    company_id TEXT NOT NULL REFERENCES companies (id),
                    email TEXT NOT NULL,
                    name TEXT NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
                    status TEXT NOT NULL CHECK (status IN ('invited', 'active', 'deactivated')),
                    created_at_ms INTEGER NOT NULL,
                    updated_at_ms INTEGER NOT NULL,
                    UNIQUE (company_id, email)
                );
                CREATE INDEX users_by_company ON users (company_id, status);

                -- Only the SHA-256 of each token is kept; the token itself leaves in one event.
                CREATE TABLE invitations (
                    id TEXT PRIMARY KEY,
                    company_id TEXT NOT NULL REFERENCES companies (id),
                    user_id TEXT NOT NULL REFERENCES users (id),
                    token_hash TEXT NOT NULL UNIQUE,
                    invited_by TEXT NOT NULL,
                    created_at_ms INTEGER NOT NULL,
                    expires_at_ms INTEGER NOT NULL,
                    used_at_ms INTEGER
                );
                CREATE INDEX invitations_by_user ON invitations (user_id);

                CREATE TABLE api_keys (
                    id TEXT PRIMARY KEY,
                    company_id TEXT NOT NULL REFERENCES companies (id),
                    user_id TEXT NOT NULL REFERENCES users (id),
                    key_hash TEXT NOT NULL,
                    prefix TEXT NOT NULL,
                    name TEXT,
                    created_at_ms INTEGER NOT NULL,
                    revoked_at_ms INTEGER
                );
                CREATE INDEX api_keys_by_user ON api_keys (company_id, user_id);

                CREATE TABLE audit (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    company_id TEXT NOT NULL,
                    at_ms INTEGER NOT NULL,
                    actor_kind TEXT NOT NULL,
                    actor_id TEXT,
                    action TEXT NOT NULL,
                    target_type TEXT NOT NULL,
                    target_id TEXT NOT NULL,
                    before TEXT,
                    after TEXT
                );
                CREATE INDEX audit_by_company ON audit (company_id, seq);

                -- The first result of each idempotent request, replayed for a repeated key.
                CREATE TABLE idempotency (
                    method TEXT NOT NULL,
                    key TEXT NOT NULL,
                    request TEXT NOT NULL,
                    result TEXT NOT NULL,
                    created_at_ms INTEGER NOT NULL,
                    PRIMARY KEY (method, key)
                );
                """
        )
    ]
}
