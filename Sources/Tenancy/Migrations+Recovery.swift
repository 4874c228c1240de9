import MeshStore

extension TenancyMigrations {
    /// The purpose of each invitation, from migration id 5 on.
    ///
    /// `join` invitations make an invited user active. `recovery` invitations, sent by
    /// `users.recoverAccess`, give an active user who lost every key a new one. Rows from before the
    /// migration are all `join`.
    static let recovery: [Migration] = [
        Migration(
            id: 5,
            name: "the purpose of each invitation",
            sql: """
                ALTER TABLE invitations ADD COLUMN purpose TEXT NOT NULL DEFAULT 'join'
                    CHECK (purpose IN ('join', 'recovery'));
                """
        )
    ]
}
