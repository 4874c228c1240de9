import MeshStore

/// user.* events: one row per user with its role, status and the times it changed.
extension EventIngest {
    /// Inserts or updates a user. A status older than the stored one is ignored, so events that arrive
    /// out of order cannot bring back an earlier state. The first invitation and activation times are kept.
    static func upsertUser(
        _ companyID: String,
        _ userID: String,
        role: String?,
        status: String,
        atMs: Int64,
        invitedAtMs: Int64? = nil,
        activatedAtMs: Int64? = nil,
        deactivatedAtMs: Int64? = nil,
        _ connection: Connection
    ) throws {
        try connection.execute(
            """
            INSERT INTO users (company_id, user_id, role, status, status_at_ms, invited_at_ms, activated_at_ms,
                               deactivated_at_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (company_id, user_id) DO UPDATE SET
                role = COALESCE(excluded.role, users.role),
                status = CASE WHEN excluded.status_at_ms >= users.status_at_ms THEN excluded.status ELSE users.status END,
                status_at_ms = MAX(users.status_at_ms, excluded.status_at_ms),
                invited_at_ms = COALESCE(users.invited_at_ms, excluded.invited_at_ms),
                activated_at_ms = COALESCE(users.activated_at_ms, excluded.activated_at_ms),
                deactivated_at_ms = COALESCE(excluded.deactivated_at_ms, users.deactivated_at_ms)
            """,
            [
                .text(companyID), .text(userID), SQLValue(role), .text(status), .integer(atMs), SQLValue(invitedAtMs),
                SQLValue(activatedAtMs), SQLValue(deactivatedAtMs),
            ]
        )
    }

    /// Stores when the invitation in the event's `invitation` member expires, so the invited user stops
    /// holding a seat then. A later invitation of the same user replaces the earlier one, so the latest
    /// event's time wins.
    static func recordInvitationExpiry(
        _ payload: EventPayload, _ companyID: String, _ userID: String, atMs: Int64, _ connection: Connection
    ) throws {
        guard let expiresAtMs = payload.event.payload["invitation"]?["expires_at_ms"]?.intValue else {
            return
        }

        try connection.execute(
            """
            UPDATE users SET invitation_expires_at_ms = ?
            WHERE company_id = ? AND user_id = ? AND status_at_ms <= ?
            """,
            [.integer(expiresAtMs), .text(companyID), .text(userID), .integer(atMs)]
        )
    }

    static func applyUserInvited(_ payload: EventPayload, _ companyID: String, _ connection: Connection) throws {
        let userID = try payload.requireString("user_id")
        let atMs = try payload.atMs

        try upsertUser(
            companyID, userID, role: payload.role(), status: "invited", atMs: atMs, invitedAtMs: atMs,
            connection
        )
        try recordInvitationExpiry(payload, companyID, userID, atMs: atMs, connection)

        // The inviter acted that day; "root" is an operator, not a user of the company.
        if let inviter = try payload.string("invited_by"), inviter != "root" {
            try markActive(companyID, userID: inviter, atMs: atMs, connection)
        }
    }

    static func applyUserActivated(_ payload: EventPayload, _ companyID: String, _ connection: Connection) throws {
        let userID = try payload.requireString("user_id")
        let atMs = try payload.atMs

        try upsertUser(companyID, userID, role: nil, status: "active", atMs: atMs, activatedAtMs: atMs, connection)
        try markActive(companyID, userID: userID, atMs: atMs, connection)
    }

    /// Updates the role of a known user. A role change for an unknown user is ignored, because its status
    /// is unknown and counting it under a guessed status would distort the user figures.
    static func applyUserUpdated(_ payload: EventPayload, _ companyID: String, _ connection: Connection) throws {
        let userID = try payload.requireString("user_id")
        guard let role = try payload.role() else {
            return
        }

        try connection.execute(
            "UPDATE users SET role = ? WHERE company_id = ? AND user_id = ?",
            [.text(role), .text(companyID), .text(userID)]
        )
    }

    static func applyUserDeactivated(_ payload: EventPayload, _ companyID: String, _ connection: Connection) throws {
        let userID = try payload.requireString("user_id")
        let atMs = try payload.atMs

        try upsertUser(
            companyID, userID, role: nil, status: "deactivated", atMs: atMs, deactivatedAtMs: atMs, connection)
    }

    /// Reactivation restores the status the user had before deactivation: active once the invitation
    /// was accepted, invited otherwise. A user analytics has never seen activated is taken as invited.
    static func applyUserReactivated(_ payload: EventPayload, _ companyID: String, _ connection: Connection) throws {
        let userID = try payload.requireString("user_id")
        let activatedAt = try connection.scalarInt(
            "SELECT activated_at_ms FROM users WHERE company_id = ? AND user_id = ?",
            [.text(companyID), .text(userID)]
        )

        let status = activatedAt == nil ? "invited" : "active"
        try upsertUser(companyID, userID, role: nil, status: status, atMs: payload.atMs, connection)
    }
}
