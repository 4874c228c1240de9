import Foundation
import MeshProtocol
import MeshRuntime

/// Builds events shaped as tenancy and the gateway publish them, each with a fresh event id.
enum TestEvents {
    static func event(_ topic: String, _ payload: JSONValue, at: Int64, id: String? = nil) -> MeshEvent {
        MeshEvent(
            eventID: id ?? "evt_" + UUID().uuidString.lowercased(),
            topic: topic,
            payload: payload,
            createdAtMs: at,
            source: topic.hasPrefix("usage.") ? "gateway" : "tenancy"
        )
    }

    /// Builds `company.provisioned` with the owner invited. The owner's invitation expires after
    /// `ownerInvitationDays`: 30 by default, so that an owner who never accepts still counts in most tests.
    static func provisioned(
        _ company: String, tier: String = "basic", at: Int64, ownerInvitationDays: Int64 = 30, id: String? = nil
    ) -> MeshEvent {
        event(
            "company.provisioned",
            [
                "company_id": .string(company), "name": .string("Company \(company)"), "key_prefix": "TST",
                "tier": .string(tier), "status": "active", "created_at_ms": .int(at),
                "owner": ["user_id": .string("\(company)_owner"), "email": "owner@example.com", "name": "Owner"],
                "invitation": [
                    "invitation_id": "inv_1", "token": "secret-token-value",
                    "expires_at_ms": .int(at + ownerInvitationDays * day),
                ],
            ],
            at: at,
            id: id
        )
    }

    static func tierChanged(_ company: String, from: String, to: String, at: Int64) -> MeshEvent {
        event(
            "company.tier_changed",
            ["company_id": .string(company), "from_tier": .string(from), "to_tier": .string(to), "at_ms": .int(at)],
            at: at
        )
    }

    static func suspended(_ company: String, at: Int64) -> MeshEvent {
        event(
            "company.suspended",
            ["company_id": .string(company), "reason": "unpaid", "reactivate_at_ms": nil, "at_ms": .int(at)], at: at)
    }

    static func deleted(_ company: String, at: Int64) -> MeshEvent {
        event("company.deleted", ["company_id": .string(company), "at_ms": .int(at)], at: at)
    }

    static func configured(_ company: String, integrations: [String], customFields: Int = 0, at: Int64) -> MeshEvent {
        let fields: [JSONValue] = (0..<customFields).map { index in
            ["name": .string("field\(index)"), "type": "text", "required": false]
        }
        return event(
            "company.configured",
            [
                "company_id": .string(company),
                "settings": [
                    "statuses": ["Open", "In Progress", "Closed"], "priorities": ["Low", "High"], "types": ["Bug"],
                    "custom_fields": .array(fields), "integrations": .array(integrations.map { .string($0) }),
                    "notifications": ["email": true],
                ],
                "at_ms": .int(at),
            ],
            at: at
        )
    }

    /// Builds `user.invited` with an invitation that expires after `expiresInDays`: 30 by default, so that the invitations of
    /// most tests are still live when their reports are read.
    static func userInvited(
        _ company: String, _ user: String, at: Int64, by inviter: String = "root", expiresInDays: Int64 = 30
    ) -> MeshEvent {
        event(
            "user.invited",
            [
                "company_id": .string(company), "user_id": .string(user), "email": "u@example.com", "name": "U",
                "role": "member",
                "invitation": [
                    "invitation_id": "inv", "token": "another-secret", "expires_at_ms": .int(at + expiresInDays * day),
                ],
                "invited_by": .string(inviter), "at_ms": .int(at),
            ],
            at: at
        )
    }

    static func userActivated(_ company: String, _ user: String, at: Int64) -> MeshEvent {
        event("user.activated", ["company_id": .string(company), "user_id": .string(user), "at_ms": .int(at)], at: at)
    }

    static func teamCreated(_ company: String, _ team: String, at: Int64) -> MeshEvent {
        event(
            "team.created",
            [
                "company_id": .string(company), "team_id": .string(team), "name": .string("Team \(team)"),
                "at_ms": .int(at),
            ], at: at)
    }

    static func memberAdded(_ company: String, _ team: String, _ user: String, at: Int64) -> MeshEvent {
        event(
            "team.member_added",
            ["company_id": .string(company), "team_id": .string(team), "user_id": .string(user), "at_ms": .int(at)],
            at: at
        )
    }

    static func issueCreated(
        _ company: String,
        _ issue: String,
        at: Int64,
        team: String? = nil,
        type: String = "Bug",
        priority: String = "Medium",
        assignee: String? = nil,
        id: String? = nil
    ) -> MeshEvent {
        event(
            "issue.created",
            [
                "company_id": .string(company), "issue_id": .string(issue), "key": "TST-1",
                "team_id": team.map { .string($0) } ?? .null, "type": .string(type), "priority": .string(priority),
                "status": "Open", "assignee_id": assignee.map { .string($0) } ?? .null, "created_at_ms": .int(at),
            ],
            at: at,
            id: id
        )
    }

    /// `resolution` is the resolution's id; nil leaves it out, as a sender without ids does.
    static func issueResolved(
        _ company: String, _ issue: String, created: Int64, resolved: Int64, team: String? = nil,
        resolution: String? = nil
    ) -> MeshEvent {
        var payload: [String: JSONValue] = [
            "company_id": .string(company), "issue_id": .string(issue),
            "team_id": team.map { .string($0) } ?? .null,
            "type": "Bug", "priority": "Medium", "created_at_ms": .int(created), "resolved_at_ms": .int(resolved),
        ]
        payload["resolution_id"] = resolution.map { .string($0) }
        return event("issue.resolved", .object(payload), at: resolved)
    }

    static func transitioned(
        _ company: String, _ issue: String, to status: String, at: Int64, resolved: Bool, resolution: String? = nil
    ) -> MeshEvent {
        var payload: [String: JSONValue] = [
            "company_id": .string(company), "issue_id": .string(issue), "team_id": nil, "type": "Bug",
            "priority": "Medium", "from_status": "Open", "to_status": .string(status), "at_ms": .int(at),
            "resolved_at_ms": resolved ? .int(at) : .null,
        ]
        payload["resolution_id"] = resolution.map { .string($0) }
        return event("issue.transitioned", .object(payload), at: at)
    }

    /// `issue.transitioned` as tenancy publishes it, `resolution_id` always present: the id of the
    /// resolution the move makes, or null when it makes none (including a kept `resolvedAt`).
    static func moved(
        _ company: String, _ issue: String, from: String, to: String, at: Int64, resolvedAt: Int64? = nil,
        resolution: String? = nil
    ) -> MeshEvent {
        event(
            "issue.transitioned",
            [
                "company_id": .string(company), "issue_id": .string(issue), "team_id": nil, "type": "Bug",
                "priority": "Medium", "from_status": .string(from), "to_status": .string(to), "at_ms": .int(at),
                "resolved_at_ms": resolvedAt.map { .int($0) } ?? .null,
                "resolution_id": resolution.map { .string($0) } ?? .null,
            ],
            at: at
        )
    }

    static func usage(_ company: String, day: String, calls: Int64, at: Int64) -> MeshEvent {
        event(
            "usage.api_calls",
            ["company_id": .string(company), "day": .string(day), "calls": .int(calls), "at_ms": .int(at)], at: at)
    }
}

let hour: Int64 = 3_600_000
let day: Int64 = 86_400_000

/// Milliseconds since the epoch of a UTC date and time.
func utc(_ year: Int, _ month: Int, _ dayOfMonth: Int, _ hourOfDay: Int = 0) -> Int64 {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let date = calendar.date(from: DateComponents(year: year, month: month, day: dayOfMonth, hour: hourOfDay))!
    return Int64(date.timeIntervalSince1970 * 1000)
}
