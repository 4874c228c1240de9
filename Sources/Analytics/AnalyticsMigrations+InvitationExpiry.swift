import MeshStore

extension AnalyticsMigrations {
    /// When each invited user's latest invitation expires, from migration id 3 on.
    ///
    /// An invited user takes a seat only until then, as in tenancy. Users invited before this
    /// migration have no time and keep counting until their next event.
    static let invitationExpiry: [Migration] = [
        Migration(
            id: 3,
            name: "invitation expiry of invited users",
            sql: "ALTER TABLE users ADD COLUMN invitation_expires_at_ms INTEGER;"
        )
    ]
}
