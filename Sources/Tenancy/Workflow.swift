import MeshProtocol

/// A company's issue workflow: its statuses in order, the last one being the final (resolved) status.
///
/// The moves an issue may make from status `S`:
/// - forward exactly one step, to the status right after `S`;
/// - back any number of steps, to any status before `S` (step back, or reopen from the final status);
/// - straight to the final status from anywhere (close without walking every step).
///
/// Staying on the same status is not a move and is rejected. `companies.configure` moves the issues of
/// every status it drops, so live issues have a listed status. A stored issue whose status is not listed
/// anyway may move to any listed status, so it can rejoin the workflow.
public struct Workflow: Sendable, Hashable {
    public let statuses: [String]

    /// Creates a workflow from the company's ordered statuses.
    ///
    /// - Throws: FAILED_PRECONDITION when `statuses` is empty, because no issue could then be created.
    public init(statuses: [String]) throws(RPCError) {
        guard !statuses.isEmpty else {
            throw RPCError(
                .failedPrecondition,
                "the company defines no issue statuses; configure at least one status with companies.configure",
                details: ["field": "settings.statuses"]
            )
        }
        self.statuses = statuses
    }

    /// The status new issues start in.
    public var initialStatus: String {
        statuses[0]
    }

    /// The status that resolves an issue.
    public var finalStatus: String {
        statuses[statuses.count - 1]
    }

    public func isFinal(_ status: String) -> Bool {
        status == finalStatus
    }

    /// Returns the listed spelling of `status`, matching case-insensitively, or nil when it is not listed.
    public func canonical(_ status: String) -> String? {
        if statuses.contains(status) {
            return status
        }
        let folded = status.caseFolded
        return statuses.first { $0.caseFolded == folded }
    }

    /// Returns the statuses an issue in `status` may move to, in workflow order.
    public func allowedTargets(from status: String) -> [String] {
        guard let position = statuses.firstIndex(of: status) else {
            return statuses
        }

        return statuses.enumerated().compactMap { index, candidate in
            let isAllowed = index < position || index == position + 1 || index == statuses.count - 1
            return isAllowed && index != position ? candidate : nil
        }
    }

    /// Checks that an issue may move from `from` to `to`.
    ///
    /// - Throws: INVALID_ARGUMENT when `to` is not a status of the workflow, FAILED_PRECONDITION when
    ///   `to` equals `from` or the move skips forward past the next status to one that is not final.
    public func check(from: String, to: String) throws(RPCError) {
        guard statuses.contains(to) else {
            throw RPCError(
                .invalidArgument,
                "to_status '\(to.clipped)' is not a status of this company's workflow; use one of \(Self.listed(statuses))",
                details: ["field": "to_status", "value": .string(to.clipped), "allowed": json(statuses)]
            )
        }

        let allowed = allowedTargets(from: from)
        guard from != to else {
            throw RPCError(
                .failedPrecondition,
                "the issue is already in status '\(to)'; pick a different status: one of \(Self.listed(allowed))",
                details: ["from_status": .string(from), "to_status": .string(to), "allowed": json(allowed)]
            )
        }

        guard allowed.contains(to) else {
            throw RPCError(
                .failedPrecondition,
                "an issue in '\(from)' cannot move to '\(to)': the workflow allows one step forward, any step back, or straight to '\(finalStatus)'; from '\(from)' use one of \(Self.listed(allowed))",
                details: ["from_status": .string(from), "to_status": .string(to), "allowed": json(allowed)]
            )
        }
    }

    /// Returns the names quoted and comma-separated, for messages: `'Open', 'Closed'`.
    static func listed(_ names: [String]) -> String {
        names.map { "'\($0)'" }.joined(separator: ", ")
    }

    private func json(_ names: [String]) -> JSONValue {
        .array(names.map { .string($0) })
    }
}
