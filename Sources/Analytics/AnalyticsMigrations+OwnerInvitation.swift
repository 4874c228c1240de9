import MeshStore

extension AnalyticsMigrations {
    /// When the owner's invitation from provisioning expires, from migration id 4 on.
    ///
    /// Before it, company.provisioned stored the owner as invited with no expiry, so an owner who never
    /// accepted kept a seat for good. Provisioning's invitation lasts 7 days (604,800,000 ms) from the
    /// company's creation, so owners still invited get that time back. An owner invited again since then
    /// already has the later invitation's time, which the update leaves alone.
    static let ownerInvitation: [Migration] = [
        Migration(
            id: 4,
            name: "invitation expiry of owners from provisioning",
            sql: """
                UPDATE users SET invitation_expires_at_ms = invited_at_ms + 604800000
                WHERE role = 'owner' AND status = 'invited' AND invitation_expires_at_ms IS NULL
                    AND invited_at_ms IS NOT NULL;
                """
        )
    ]
}
