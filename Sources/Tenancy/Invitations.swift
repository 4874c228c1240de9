import MeshProtocol
import MeshRuntime
import MeshStore

/// Single-use invitation tokens: created with a user, exchanged once for an API key.
enum Invitations {
    /// How long a token stays valid, in mesh time.
    static let lifetimeMs: Int64 = 7 * 86_400_000

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
            INSERT INTO invitations (id, company_id, user_id, token_hash, invited_by, created_at_ms, expires_at_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(issued.invitationID), .text(companyID), .text(userID), .text(SecretHash.sha256Hex(issued.token)),
                .text(invitedBy), .integer(atMs), .integer(issued.expiresAtMs),
            ]
        )
        return issued
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
