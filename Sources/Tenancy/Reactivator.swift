import MeshRuntime
import MeshStore

/// Reactivates suspended companies whose `reactivate_at_ms` has passed on the mesh clock.
struct Reactivator: Sendable {
    let env: ServiceEnvironment
    /// Time between checks, on the monotonic clock.
    var interval: Duration = .seconds(1)

    /// Checks once per interval until the task is cancelled.
    func run() async {
        while !Task.isCancelled {
            do {
                let reactivated = try await reactivateDue()
                if !reactivated.isEmpty {
                    env.logger.info("companies.reactivated_on_schedule", ["count": String(reactivated.count)])
                }
            } catch {
                env.logger.error("companies.reactivation_failed", ["error": String(describing: error)])
            }

            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
        }
    }

    /// Reactivates every company that is due now and returns their ids.
    @discardableResult
    func reactivateDue() async throws -> [String] {
        let now = env.clock.nowMs()
        let reactivated = try await env.store.write { connection in
            let rows = try connection.query(
                """
                SELECT \(CompanyRecord.columns) FROM companies
                WHERE status = 'suspended' AND reactivate_at_ms IS NOT NULL AND reactivate_at_ms <= ?
                ORDER BY reactivate_at_ms, id
                """,
                [.integer(now)]
            )
            var ids: [String] = []
            for row in rows {
                let company = try CompanyRecord(row: row)
                _ = try CompanyHandlers.reactivate(
                    company, automatic: true, caller: .service, atMs: Reactivator.dueTime(of: company, now: now),
                    in: connection)
                ids.append(company.id)
            }
            return ids
        }

        if !reactivated.isEmpty {
            env.eventsPublished()
        }
        return reactivated
    }

    /// Reactivates company `id` inside the caller's write when its scheduled time has passed, dated
    /// at that time. A write that comes before the background check (a test clock moved past the time,
    /// or a mesh that was down) then applies to, and is billed after, the reactivated company.
    static func reactivateIfDue(_ id: String, now: Int64, in connection: Connection) throws {
        // Every company write runs this, so a cheap indexed look comes first and the full record, with
        // its settings to parse, is loaded only for a company that is due.
        let due = try connection.queryOne(
            "SELECT 1 AS due FROM companies WHERE id = ? AND status = 'suspended' AND reactivate_at_ms <= ?",
            [.text(id), .integer(now)]
        )
        guard due != nil, let company = try CompanyRecord.load(id, in: connection), company.status == .suspended,
            let scheduled = company.reactivateAtMs, scheduled <= now
        else {
            return
        }
        _ = try CompanyHandlers.reactivate(
            company, automatic: true, caller: .service, atMs: dueTime(of: company, now: now), in: connection)
    }

    /// Returns when a due company became active again: its scheduled time, even when the check comes
    /// later (the mesh was down, or a test clock jumped), so billing charges from that time. A change
    /// to the company after the scheduled time moves it to that change, so events stay in time order.
    static func dueTime(of company: CompanyRecord, now: Int64) -> Int64 {
        guard let scheduled = company.reactivateAtMs else {
            return now
        }
        return min(now, max(scheduled, company.updatedAtMs))
    }
}
