import MeshProtocol
import MeshStore

/// The `status_moves` of `companies.configure`: for each status the new workflow drops, the status of
/// the new list its live issues move to, in the same transaction as the settings change.
///
/// A move follows the resolution rule of `issues.transition`. From the final status to the new final
/// one, the issue stays resolved with the same `resolved_at_ms`. From the final status to another one,
/// it is reopened. Into the new final status from another one, it is resolved at the configure time.
/// Between other statuses, only the status changes.
enum StatusMoves {
    /// The result of one move, as the audit entry of the configure records it.
    struct Outcome: Sendable, Hashable {
        var from: String
        var to: String
        var issues: Int

        var json: JSONValue {
            ["from": .string(from), "to": .string(to), "issues": .int(Int64(issues))]
        }
    }

    /// Moves the live issues of each key of `moves` to its value, a status of `workflow`, at `atMs`.
    ///
    /// Each moved issue gets `updated_at_ms` and the events of a transition, so subscribers learn its
    /// new status and any resolution or reopening. Returns one outcome per move, sorted by `from`.
    static func apply(
        _ moves: [String: String],
        workflow: Workflow,
        companyID: String,
        atMs now: Int64,
        in connection: Connection
    ) throws -> [Outcome] {
        var outcomes: [Outcome] = []
        for (source, target) in moves.sorted(by: { $0.key < $1.key }) {
            let rows = try connection.query(
                """
                SELECT \(Issue.columns) FROM issues
                WHERE company_id = ? AND status = ? AND deleted_at_ms IS NULL ORDER BY number
                """,
                [.text(companyID), .text(source)]
            )

            for row in rows {
                let before = try Issue(row: row)
                let after = before.moved(to: target, in: workflow, atMs: now)
                try after.save(in: connection)
                try IssueEvents.publishTransition(after, from: before, atMs: now, in: connection)
            }
            outcomes.append(Outcome(from: source, to: target, issues: rows.count))
        }
        return outcomes
    }

    /// Resolves the live issues that sit in the final status of `workflow` without a resolution, and
    /// reopens those with a resolution in any other status, at `atMs`.
    ///
    /// Issues get there when a configure keeps their status but changes which status is final, for
    /// example `Open, Done, In Progress` after `Open, In Progress, Done`. Each gets the events of a
    /// transition, so analytics counts the resolution or the reopening. Returns how many of each.
    static func settle(workflow: Workflow, companyID: String, atMs now: Int64, in connection: Connection) throws
        -> (resolved: Int, reopened: Int)
    {
        let final = workflow.finalStatus
        let rows = try connection.query(
            """
            SELECT \(Issue.columns) FROM issues
            WHERE company_id = ? AND deleted_at_ms IS NULL
                AND ((status = ? AND resolved_at_ms IS NULL) OR (status != ? AND resolved_at_ms IS NOT NULL))
            ORDER BY number
            """,
            [.text(companyID), .text(final), .text(final)]
        )

        var resolved = 0
        for row in rows {
            let before = try Issue(row: row)
            let after = before.moved(to: before.status, in: workflow, atMs: now)
            try after.save(in: connection)
            try IssueEvents.publishTransition(after, from: before, atMs: now, in: connection)
            resolved += after.resolvedAtMs == nil ? 0 : 1
        }
        return (resolved, rows.count - resolved)
    }

    /// Returns a sensible target for the removed status `source` of `old` in `new`, for examples in
    /// messages: the same name in another letter case, else the new final status for the old final
    /// one, else the status at the same position that is not final.
    static func suggestedTarget(for source: String, from old: [String], to new: [String]) -> String {
        if let respelled = new.first(where: { $0.caseFolded == source.caseFolded }) {
            return respelled
        }
        guard let position = old.firstIndex(of: source), position != old.count - 1, new.count > 1 else {
            return new.last ?? source
        }
        return new[min(position, new.count - 2)]
    }

    /// Returns "1 issue not deleted is" or "`count` issues not deleted are", for messages.
    static func issueCount(_ count: Int) -> String {
        count == 1 ? "1 issue not deleted is" : "\(count) issues not deleted are"
    }

    /// Returns the `status_moves` object that moves each of `sources` to its suggested target, such as
    /// `{"Done": "Closed"}`.
    static func example(for sources: some Sequence<String>, from old: [String], to new: [String]) -> JSONValue {
        let moves = sources.map { ($0, JSONValue.string(suggestedTarget(for: $0, from: old, to: new))) }
        return .object(Dictionary(moves, uniquingKeysWith: { first, _ in first }))
    }
}
