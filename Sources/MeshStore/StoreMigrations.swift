/// The store's own tables, applied before a service's migrations and recorded in `store_migrations`,
/// so the ids of a service's migrations in `schema_migrations` start at 1.
enum StoreMigrations {
    static let recordTable = "store_migrations"
    static let serviceRecordTable = "schema_migrations"

    static let all: [Migration] = [
        Migration(
            id: 1,
            name: "store.outbox",
            sql: """
                CREATE TABLE outbox (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    event_id TEXT NOT NULL UNIQUE,
                    topic TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    created_at_ms INTEGER NOT NULL
                );
                CREATE TABLE outbox_cursor (
                    subscriber TEXT PRIMARY KEY,
                    last_seq INTEGER NOT NULL,
                    updated_at_ms INTEGER NOT NULL
                );
                """
        ),
        Migration(
            id: 2,
            name: "store.inbox",
            sql: """
                CREATE TABLE inbox (
                    event_id TEXT PRIMARY KEY,
                    topic TEXT NOT NULL,
                    received_at_ms INTEGER NOT NULL
                );
                """
        ),
        Migration(
            id: 3,
            name: "store.inbox_source",
            sql: """
                -- The publisher and its outbox sequence number, so that rows can be deleted once the
                -- publisher reports its cursor past them. Rows recorded before this have neither.
                ALTER TABLE inbox ADD COLUMN source TEXT;
                ALTER TABLE inbox ADD COLUMN seq INTEGER;
                CREATE INDEX inbox_by_source ON inbox (source, seq) WHERE seq IS NOT NULL;
                """
        ),
    ]
}
