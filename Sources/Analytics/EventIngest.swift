import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

/// Applies the events analytics subscribes to: each is logged in `events` and folded into the rollups
/// in the same transaction.
///
/// Handlers accept events for companies they have not seen (they create the rows they need) and the
/// same fact published twice under different event ids (every rollup write is keyed so it counts once).
/// Events of a deleted company are dropped: deletion removes its data and keeps only a tombstone.
enum EventIngest {
    typealias Apply = @Sendable (EventPayload, String, Connection) throws -> Void

    /// Returns the handler of every topic analytics receives.
    static func handlers(logger: Logger) -> [String: EventHandler] {
        let table: [String: Apply] = [
            EventTopic.companyProvisioned: applyProvisioned,
            EventTopic.companyConfigured: applyConfigured,
            EventTopic.companyTierChanged: applyTierChanged,
            EventTopic.companySuspended: applySuspended,
            EventTopic.companyReactivated: applyReactivated,
            EventTopic.companyDeleted: applyDeleted,
            EventTopic.userInvited: applyUserInvited,
            EventTopic.userActivated: applyUserActivated,
            EventTopic.userUpdated: applyUserUpdated,
            EventTopic.userDeactivated: applyUserDeactivated,
            EventTopic.userReactivated: applyUserReactivated,
            EventTopic.teamCreated: applyTeamCreated,
            EventTopic.teamMemberAdded: applyTeamMemberAdded,
            EventTopic.teamMemberRemoved: applyTeamMemberRemoved,
            EventTopic.issueCreated: applyIssueCreated,
            EventTopic.issueUpdated: applyIssueUpdated,
            EventTopic.issueTransitioned: applyIssueTransitioned,
            EventTopic.issueResolved: applyIssueResolved,
            EventTopic.issueReopened: applyIssueReopened,
            EventTopic.issueDeleted: applyIssueDeleted,
            usageAPICallsTopic: applyAPIUsage,
        ]
        return table.mapValues { apply in
            { event, connection in try ingest(event, connection, logger: logger, apply) }
        }
    }

    /// Published by the gateway once per company and day as its call count grows.
    static let usageAPICallsTopic = "usage.api_calls"

    static func ingest(_ event: MeshEvent, _ connection: Connection, logger: Logger, _ apply: Apply) throws {
        let payload = EventPayload(event)
        let companyID = try payload.companyID

        if try isDeleted(companyID, connection) {
            logger.debug(
                "event.dropped_for_deleted_company",
                ["event": event.eventID, "topic": event.topic, "company": companyID]
            )
            return
        }

        try connection.execute(
            """
            INSERT INTO events (event_id, topic, company_id, at_ms, payload) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (event_id) DO NOTHING
            """,
            [
                .text(event.eventID), .text(event.topic), .text(companyID), .integer(payload.atMs),
                .text(JSONWriter.string(withoutSecrets(event.payload))),
            ]
        )
        try apply(payload, companyID, connection)
    }

    static func isDeleted(_ companyID: String, _ connection: Connection) throws -> Bool {
        let status = try connection.queryOne("SELECT status FROM companies WHERE id = ?", [.text(companyID)])
        return status?.string("status") == "deleted"
    }

    /// Returns the payload with every member named `token` removed, at any depth. Invitation tokens
    /// travel in events only so that the notification service can mail them.
    static func withoutSecrets(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var kept: [String: JSONValue] = [:]
            for (key, member) in members where key != "token" {
                kept[key] = withoutSecrets(member)
            }
            return .object(kept)
        case .array(let elements):
            return .array(elements.map(withoutSecrets))
        default:
            return value
        }
    }
}
