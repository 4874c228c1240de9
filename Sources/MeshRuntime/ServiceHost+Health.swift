import MeshProtocol
import MeshStore

extension ServiceHost {
    /// Returns the `status` and `store` members of `rpc.health` for `process`.
    ///
    /// NOT_SERVING when the health query fails, and also when the last write failed because of the
    /// files or the disk and no write transaction has committed since. The process may still serve
    /// reads, but it cannot save anything.
    static func storeHealth(_ store: Database, process: String) -> (status: String, store: JSONValue) {
        if case .failure(let error) = store.healthCheck() {
            return ("NOT_SERVING", ["state": "error", "detail": .string(describe(error, process: process))])
        }
        guard let failure = store.lastWriteFailure else {
            return ("SERVING", ["state": "ok"])
        }

        let time = UTCTime.iso8601(milliseconds: Int64((failure.date.timeIntervalSince1970 * 1000).rounded(.down)))
        let report: JSONValue = [
            "state": "error",
            "detail": .string(
                "a write failed at \(time): \(describe(failure.error, process: process)); "
                    + "this report stays until a write succeeds"),
            "reason": .string(StorageCondition(failure.error)?.reason ?? "storage"),
            "failed_at": .string(time),
        ]
        return ("NOT_SERVING", report)
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
