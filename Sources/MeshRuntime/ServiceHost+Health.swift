import MeshProtocol
import MeshStore

extension ServiceHost {
    /// Returns the `status` and `store` members of `rpc.health` for `process`.
    ///
    /// NOT_SERVING when the health query fails, and also when the last write failed because of the
    /// files or the disk and no write transaction has committed since. The process may still serve
    /// reads, but it cannot save anything. SERVING with the store `degraded` while checkpoints fail.
    static func storeHealth(_ store: Database, process: String) -> (status: String, store: JSONValue) {
        if case .failure(let error) = store.healthCheck() {
            return ("NOT_SERVING", ["state": "error", "detail": .string(describe(error, process: process))])
        }
        if let damage = store.damage {
            let report = failureReport(
                damage, state: "error", operation: "a query", process: process,
                consequence: "damage does not heal, so this report stays until the process restarts on a "
                    + "restored database")
            return ("NOT_SERVING", report)
        }
        if let failure = store.lastWriteFailure {
            let report = failureReport(
                failure, state: "error", operation: "a write", process: process,
                consequence: "this report stays until a write succeeds")
            return ("NOT_SERVING", report)
        }
        let folder = String(store.path[..<(store.path.lastIndex(of: "/") ?? store.path.endIndex)])
        if let full = DiskSpace.report(free: DiskSpace.available(at: folder.isEmpty ? "." : folder), process: process) {
            return ("NOT_SERVING", full)
        }
        // Writes still commit while checkpoints fail, but the WAL grows and the database file falls behind.
        if let failure = store.lastCheckpointFailure {
            let report = failureReport(
                failure, state: "degraded", operation: "a checkpoint", process: process,
                consequence: "writes still commit into the WAL file, which grows until a checkpoint succeeds; "
                    + "a database file made immutable (lsattr shows i; chattr -i clears it) fails checkpoints too")
            return ("SERVING", report)
        }
        return ("SERVING", ["state": "ok"])
    }

    /// Returns the `store` member for a recorded storage failure of `operation` (a write, a checkpoint).
    private static func failureReport(
        _ failure: WriteFailure,
        state: String,
        operation: String,
        process: String,
        consequence: String
    ) -> JSONValue {
        let time = UTCTime.iso8601(milliseconds: Int64((failure.date.timeIntervalSince1970 * 1000).rounded(.down)))
        return [
            "state": .string(state),
            "detail": .string(
                "\(operation) failed at \(time): \(describe(failure.error, process: process)); \(consequence)"),
            "reason": .string(StorageCondition(failure.error)?.reason ?? "storage"),
            "failed_at": .string(time),
        ]
    }

    /// Logs, every 5 seconds while it lasts, that checkpoints of `store` fail, and once that they work
    /// again, until the task is cancelled.
    static func watchCheckpoints(_ store: Database, logger: Logger, process: String) async {
        var failing = false
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(5))
            if let failure = store.lastCheckpointFailure {
                failing = true
                logger.error(
                    "store.checkpoint_failed",
                    [
                        "error": describe(failure.error, process: process),
                        "advice": "writes go on into the growing WAL; check the database file's attributes (lsattr) "
                            + "and the disk",
                    ])
            } else if failing {
                failing = false
                logger.notice("store.checkpoint_recovered")
            }
        }
    }

    /// Describes what failed and the fix, without the SQL.
    private static func describe(_ error: StoreError, process: String) -> String {
        guard let condition = StorageCondition(error) else {
            return "SQLite error \(error.resultCode): \(error.message)"
        }
        let problem = condition.problem(process: process, file: MeshHome.databaseName(process))
        return "\(problem) (\(error.primaryCodeName)); \(condition.remedy(process: process))"
    }
}
