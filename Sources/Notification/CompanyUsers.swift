import MeshStore
import TenantModel

/// The users of each company, as `company.provisioned` and the `user.*` events describe them, for
/// sending owner notices to the company's current owners.
enum CompanyUsers {
    /// Records an invited user with their address, name and role. An invitation sent again replaces the
    /// address, name and role and keeps the status.
    static func invited(
        companyID: String, userID: String, mailbox: Mailbox, role: Role, atMs: Int64, in connection: Connection
    ) throws {
        try connection.execute(
            """
            INSERT INTO users (company_id, user_id, email, name, role, status, status_at_ms)
            VALUES (?, ?, ?, ?, ?, 'invited', ?)
            ON CONFLICT (company_id, user_id) DO UPDATE SET
                email = excluded.email, name = excluded.name, role = excluded.role
            """,
            [
                .text(companyID), .text(userID), .text(mailbox.address), .text(mailbox.name), .text(role.rawValue),
                .integer(atMs),
            ]
        )
    }

    /// Applies a `user.activated`, `user.deactivated` or `user.reactivated` to a known user. An older
    /// change than the stored one, or a user never invited here, changes nothing.
    static func statusChanged(
        companyID: String, userID: String, topic: String, atMs: Int64, in connection: Connection
    ) throws {
        let assignment: String
        switch topic {
        case EventTopic.userActivated:
            assignment = "status = 'active', activated = 1"
        case EventTopic.userDeactivated:
            assignment = "status = 'deactivated'"
        default:
            // Reactivation restores the status before the deactivation.
            assignment = "status = CASE WHEN activated = 1 THEN 'active' ELSE 'invited' END"
        }

        try connection.execute(
            """
            UPDATE users SET \(assignment), status_at_ms = ?
            WHERE company_id = ? AND user_id = ? AND status_at_ms <= ?
            """,
            [.integer(atMs), .text(companyID), .text(userID), .integer(atMs)]
        )
    }

    /// Applies a `user.updated` role change to a known user.
    static func roleChanged(companyID: String, userID: String, role: Role, in connection: Connection) throws {
        try connection.execute(
            "UPDATE users SET role = ? WHERE company_id = ? AND user_id = ?",
            [.text(role.rawValue), .text(companyID), .text(userID)]
        )
    }

    /// Returns the mailboxes of the company's active owners, by user id. A company whose owners have not
    /// accepted yet gets its invited owners, so the first owner hears of changes made before they signed in.
    static func ownerMailboxes(companyID: String, in connection: Connection) throws -> [Mailbox] {
        let rows = try connection.query(
            """
            SELECT email, name, status FROM users
            WHERE company_id = ? AND role = 'owner' AND status != 'deactivated'
            ORDER BY user_id
            """,
            [.text(companyID)]
        )

        let active = rows.filter { $0.string("status") == "active" }
        return try (active.isEmpty ? rows : active).map { row in
            try Mailbox(name: try row.requireString("name"), address: try row.requireString("email"), field: "email")
        }
    }
}
