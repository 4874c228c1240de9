import MeshProtocol
import MeshRuntime
import MeshStore

/// Single-use invitation tokens: created with a user, or for an active user who lost every key, and
/// exchanged once for an API key.
enum Invitations {
    /// How long a token stays valid, in mesh time.
    static let lifetimeMs: Int64 = 7 * 86_400_000

    /// The purpose of an invitation, stored in `invitations.purpose`.
    enum Purpose: String, Sendable {
        /// Makes an invited user active.
        case join
        /// Gives an active user a new key, through `users.recoverAccess`.
        case recovery

        /// The name of the key that accepting the invitation makes.
        var keyName: String {
            self == .join ? "invitation" : "recovery"
        }
    }

    /// A freshly created invitation. `token` exists only here and in the event that mails it.
    struct Issued: Sendable {
        var invitationID: String
        var token: String
        var expiresAtMs: Int64

        var view: InvitationView {
            InvitationView(invitationID: invitationID, expiresAtMs: expiresAtMs)
        }

        /// The event member carrying the token to the notification service.
        var eventJSON: JSONValue {
            ["invitation_id": .string(invitationID), "token": .string(token), "expires_at_ms": .int(expiresAtMs)]
        }
    }

    /// Creates an invitation for `userID`, storing only the SHA-256 of its token.
    static func create(
        companyID: String,
        userID: String,
        invitedBy: String,
        purpose: Purpose = .join,
        atMs: Int64,
        in connection: Connection
    ) throws -> Issued {
        let issued = Issued(
            invitationID: Identifier.make(prefix: "ivt"),
            token: SecretToken.newInvitationToken(),
            expiresAtMs: atMs + lifetimeMs
        )
        try connection.execute(
            """
            INSERT INTO invitations (id, company_id, user_id, token_hash, invited_by, purpose, created_at_ms,
                expires_at_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(issued.invitationID), .text(companyID), .text(userID), .text(SecretHash.sha256Hex(issued.token)),
                .text(invitedBy), .text(purpose.rawValue), .integer(atMs), .integer(issued.expiresAtMs),
            ]
        )
        return issued
    }

    /// Expires every recovery invitation of `userID` that is still live at `now`, accepted or not, so no
    /// earlier token can give or replace a key after this.
    static func expireRecoveries(userID: String, atMs now: Int64, in connection: Connection) throws {
        try connection.execute(
            """
            UPDATE invitations SET expires_at_ms = ?
            WHERE user_id = ? AND purpose = 'recovery' AND expires_at_ms > ?
            """,
            [.integer(now), .text(userID), .integer(now)]
        )
    }

    /// Returns whether `userID` has an invitation that is neither used nor expired at `now`.
    static func hasLive(userID: String, atMs now: Int64, in connection: Connection) throws -> Bool {
        let found = try connection.scalarInt(
            "SELECT COUNT(*) FROM invitations WHERE user_id = ? AND used_at_ms IS NULL AND expires_at_ms > ?",
            [.text(userID), .integer(now)]
        )
        return (found ?? 0) > 0
    }
}

/// An invitation as results show it: never its token.
struct InvitationView: Codable, Sendable, Hashable {
    var invitationID: String
    var expiresAtMs: Int64

    enum CodingKeys: String, CodingKey {
        case invitationID = "invitation_id"
        case expiresAtMs = "expires_at_ms"
    }
}
