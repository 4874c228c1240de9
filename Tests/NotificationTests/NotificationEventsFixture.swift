import Foundation
import MeshProtocol
import MeshRuntime

/// Builds events shaped as tenancy publishes them, each with a fresh event id unless one is given.
enum NotificationEventsFixture {
    static let day: Int64 = 86_400_000

    static func event(_ topic: String, _ payload: JSONValue, at: Int64, id: String? = nil) -> MeshEvent {
        MeshEvent(
            eventID: id ?? "evt_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""),
            topic: topic,
            payload: payload,
            createdAtMs: at,
            source: "tenancy"
        )
    }

    /// Returns a fresh invitation token of the shape tenancy generates.
    static func token() -> String {
        "tok_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    static func provisioned(
        _ company: String,
        name: String = "Acme Tools",
        tier: String = "basic",
        ownerName: String = "Olivia Owner",
        ownerEmail: String = "olivia@acme.example",
        token: String,
        at: Int64,
        id: String? = nil
    ) -> MeshEvent {
        event(
            "company.provisioned",
            [
                "company_id": .string(company), "name": .string(name), "key_prefix": "ACME", "tier": .string(tier),
                "status": "active", "created_at_ms": .int(at),
                "owner": [
                    "user_id": .string(company + "_owner"), "email": .string(ownerEmail), "name": .string(ownerName),
                ],
                "invitation": [
                    "invitation_id": "inv_owner", "token": .string(token), "expires_at_ms": .int(at + 7 * day),
                ],
            ],
            at: at,
            id: id
        )
    }

    static func invited(
        _ company: String, email: String, name: String, role: String = "member", token: String, at: Int64
    ) -> MeshEvent {
        event(
            "user.invited",
            [
                "company_id": .string(company), "user_id": "usr_new", "email": .string(email), "name": .string(name),
                "role": .string(role),
                "invitation": [
                    "invitation_id": "inv_user", "token": .string(token), "expires_at_ms": .int(at + 7 * day),
                ],
                "invited_by": "root", "at_ms": .int(at),
            ],
            at: at
        )
    }

    static func accessRecoveryIssued(_ company: String, email: String, name: String, token: String, at: Int64)
        -> MeshEvent
    {
        event(
            "user.access_recovery_issued",
            [
                "company_id": .string(company), "user_id": "usr_lost", "email": .string(email), "name": .string(name),
                "role": "owner",
                "invitation": [
                    "invitation_id": "inv_recovery", "token": .string(token), "expires_at_ms": .int(at + 7 * day),
                ],
                "requested_by": "root", "at_ms": .int(at),
            ],
            at: at
        )
    }

    static func tierChanged(_ company: String, from: String, to: String, at: Int64) -> MeshEvent {
        event(
            "company.tier_changed",
            ["company_id": .string(company), "from_tier": .string(from), "to_tier": .string(to), "at_ms": .int(at)],
            at: at
        )
    }

    static func suspended(_ company: String, reason: String, reactivateAt: Int64?, at: Int64) -> MeshEvent {
        event(
            "company.suspended",
            [
                "company_id": .string(company), "reason": .string(reason),
                "reactivate_at_ms": reactivateAt.map { .int($0) } ?? .null, "at_ms": .int(at),
            ],
            at: at
        )
    }

    static func reactivated(_ company: String, automatic: Bool, at: Int64) -> MeshEvent {
        event(
            "company.reactivated", ["company_id": .string(company), "at_ms": .int(at), "automatic": .bool(automatic)],
            at: at)
    }

    static func deleted(_ company: String, at: Int64) -> MeshEvent {
        event("company.deleted", ["company_id": .string(company), "at_ms": .int(at)], at: at)
    }

    static func configured(
        _ company: String,
        integrations: [String],
        webhookURL: String?,
        emailNotifications: Bool = true,
        branding: JSONValue? = nil,
        at: Int64
    ) -> MeshEvent {
        var settings: [String: JSONValue] = [
            "statuses": ["Open", "In Progress", "In Review", "Closed"],
            "priorities": ["Low", "Medium", "High", "Critical"],
            "types": ["Bug", "Feature", "Task", "Epic"],
            "custom_fields": [],
            "integrations": .array(integrations.map { .string($0) }),
            "notifications": ["email": .bool(emailNotifications)],
        ]
        if let webhookURL {
            settings["webhook_url"] = .string(webhookURL)
        }
        if let branding {
            settings["branding"] = branding
        }
        return event(
            "company.configured", ["company_id": .string(company), "settings": .object(settings), "at_ms": .int(at)],
            at: at)
    }
}
