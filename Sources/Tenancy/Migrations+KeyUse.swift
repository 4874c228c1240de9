import MeshStore

extension TenancyMigrations {
    /// Key use and the key each invitation gave, from migration id 4 on.
    ///
    /// `first_used_at_ms` is set the first time the gateway verifies a key. The first reply to an
    /// accepted invitation may have been lost, so while its key is unused the same token may be sent
    /// again. `key_id` names the key to replace then.
    static let keyUse: [Migration] = [
        Migration(
            id: 4,
            name: "key first use and the key of an accepted invitation",
            sql: """
                ALTER TABLE api_keys ADD COLUMN first_used_at_ms INTEGER;
                ALTER TABLE invitations ADD COLUMN key_id TEXT;
                """
        )
    ]
}
