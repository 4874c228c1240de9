import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

extension NotificationEvents {
    /// Warns the owners (and the company's webhook) that usage rose across 80% or 100% of a limit.
    func usageThresholdReached(_ event: MeshEvent, _ connection: Connection) throws {
        let payload = EventPayload(event)
        guard let company = try liveCompany(payload, in: connection) else {
            return
        }
        let limitName = try payload.string("limit")
        let limit = try LimitWording(limitName, field: payload.field("limit"))
        let percent = try payload.int("threshold_percent")
        let current = try payload.count("current")
        let allowed = try payload.count("allowed")
        let tier = try Tier.parse(try payload.string("tier"), field: payload.field("tier"))
        guard percent == 80 || percent == 100 else {
            throw RPCError.invalidArgument(
                field: payload.field("threshold_percent"),
                "event \(event.eventID) has threshold_percent \(percent); usage warnings are sent at 80 and 100 only")
        }
        guard let tierLimit = LimitWording.allowed(limitName, on: tier) else {
            throw RPCError.invalidArgument(
                field: payload.field("tier"),
                "event \(event.eventID) warns about the \(limitName) limit of the \(tier.displayName) tier, which has "
                    + "none, so no usage warning applies")
        }
        guard allowed == tierLimit else {
            throw RPCError.invalidArgument(
                field: payload.field("allowed"),
                "event \(event.eventID) has allowed \(allowed), but the \(tier.displayName) tier's \(limitName) limit is "
                    + "\(tierLimit)")
        }
        // The warning is sent when usage crosses the threshold, so usage below it contradicts the event.
        guard current * 100 >= percent * allowed else {
            throw RPCError.invalidArgument(
                field: payload.field("current"),
                "event \(event.eventID) has current \(current) of \(allowed), which is below its threshold of "
                    + "\(percent)%")
        }
        let atMs = try payload.instant("at_ms")

        // The gateway publishes call warnings up to a second late, and events of two publishers have no
        // order, so a warning can arrive after a tier change. Its figures then describe the old tier.
        guard tier == company.tier else {
            logger.info(
                "usage_warning.skipped",
                [
                    "company_id": company.companyID, "event": event.eventID, "warning_tier": tier.rawValue,
                    "tier": company.tier.rawValue,
                ])
            return
        }

        let messages = try ownerMessages(company, kind: .usageWarning, dateMs: atMs, in: connection) { ownerName in
            MessageTemplates.usageWarning(
                company: company.name, ownerName: ownerName, limit: limit, percent: percent, current: current,
                allowed: allowed, tier: tier, atMs: atMs
            )
        }
        try dispatcher.dispatch(messages, for: event, companyID: company.companyID, in: connection)
    }

    /// Keeps the gateway's failure counts for an hour and applies the two rules over them.
    func gatewayFailures(_ event: MeshEvent, _ connection: Connection) throws {
        let payload = EventPayload(event)
        let failures = try payload.count("failures")
        let provisioningFailures = try payload.count("provisioning_failures")
        let atMs = try payload.instant("at_ms")

        try connection.execute(
            """
            INSERT INTO gateway_failures (event_id, at_ms, failures, provisioning_failures) VALUES (?, ?, ?, ?)
            ON CONFLICT (event_id) DO NOTHING
            """,
            [.text(event.eventID), .integer(atMs), .integer(failures), .integer(provisioningFailures)]
        )
        let hour = AlertRule.provisioningFailures.windowMs ?? 0
        try connection.execute("DELETE FROM gateway_failures WHERE at_ms <= ?", [.integer(atMs - hour)])

        // Each rule's window ends at this event. Without its counts, the window shows whether the condition
        // still held when this event arrived, or had ended since the last one.
        let failureStart = atMs - (AlertRule.gatewayFailures.windowMs ?? 0)
        let recentFailures = try failuresSince(failureStart, column: "failures", in: connection)
        let earlierFailures = try failuresSince(
            failureStart, column: "failures", excluding: event.eventID, in: connection)
        try alerts.evaluate(
            .gatewayFailures,
            conditionMet: recentFailures > AlertRule.maximumFailures,
            heldBefore: earlierFailures > AlertRule.maximumFailures,
            summary: "\(counted(recentFailures, "call")) failed at the gateway in the 5 minutes before this alert.",
            figures: [
                "failures": .int(recentFailures), "window_minutes": 5, "threshold": .int(AlertRule.maximumFailures),
            ],
            event: event, atMs: atMs, in: connection
        )

        let recentProvisioning = try failuresSince(atMs - hour, column: "provisioning_failures", in: connection)
        let earlierProvisioning = try failuresSince(
            atMs - hour, column: "provisioning_failures", excluding: event.eventID, in: connection)
        try alerts.evaluate(
            .provisioningFailures,
            conditionMet: recentProvisioning > 0,
            heldBefore: earlierProvisioning > 0,
            summary: "\(counted(recentProvisioning, "companies.provision call")) failed in the hour before this alert.",
            figures: ["provisioning_failures": .int(recentProvisioning), "window_minutes": 60],
            event: event, atMs: atMs, in: connection
        )
    }

    /// Applies the suspended-companies rule after a company's status changed.
    func checkSuspendedCompanies(_ event: MeshEvent, atMs: Int64, in connection: Connection) throws {
        let suspended = try connection.scalarInt("SELECT COUNT(*) FROM companies WHERE status = 'suspended'") ?? 0
        try alerts.evaluate(
            .suspendedCompanies,
            conditionMet: suspended > AlertRule.maximumSuspended,
            summary: "\(suspended) companies are suspended.",
            figures: ["suspended_companies": .int(suspended), "threshold": .int(AlertRule.maximumSuspended)],
            event: event, atMs: atMs, in: connection
        )
    }

    /// Returns `count` and `noun`, with an s when the count is not 1: "1 call", "12 calls".
    private func counted(_ count: Int64, _ noun: String) -> String {
        count == 1 ? "1 \(noun)" : "\(count) \(noun)s"
    }

    /// Sums `column` over the failure counts after `startMs`, leaving out the counts of event `excluding`.
    private func failuresSince(
        _ startMs: Int64, column: String, excluding eventID: String = "", in connection: Connection
    ) throws -> Int64 {
        try connection.scalarInt(
            "SELECT COALESCE(SUM(\(column)), 0) FROM gateway_failures WHERE at_ms > ? AND event_id != ?",
            [.integer(startMs), .text(eventID)]) ?? 0
    }
}
