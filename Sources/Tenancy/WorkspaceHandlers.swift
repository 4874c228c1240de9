import MeshProtocol
import MeshRuntime
import MeshStore

/// The `teams.*` and `issues.*` methods of tenancy, and the checks they share.
enum WorkspaceHandlers {
    static func register(into methods: inout MethodTable, env: ServiceEnvironment) {
        TeamHandlers.register(into: &methods, env: env)
        IssueHandlers.register(into: &methods, env: env)
    }

    /// Runs every check, so that a call with several wrong ids learns of all of them at once. Throws
    /// the only error, or for several, one with the first one's status and every message in turn.
    static func checkAll(_ checks: [() throws -> Void]) throws {
        var failures: [RPCError] = []
        for check in checks {
            do {
                try check()
            } catch let error as RPCError {
                failures.append(error)
            }
        }
        guard let first = failures.first else {
            return
        }
        guard failures.count > 1 else {
            throw first
        }
        var combined = first
        combined.message = failures.map(\.message).joined(separator: "; also, ")
        var details: [String: JSONValue] = [
            "problems": .array(failures.map { ["status": .string($0.status.name), "details": $0.details ?? .null] })
        ]
        details["field"] = first.details?["field"]
        combined.details = .object(details)
        throw combined
    }

    /// Checks that `userID` is a user of company `companyID` who is invited or active.
    ///
    /// - Parameter field: the parameter that carried the id, named in the error.
    /// - Throws: NOT_FOUND when the company has no such user, FAILED_PRECONDITION when the user is
    ///   deactivated.
    static func requireWorkingUser(
        _ userID: String,
        companyID: String,
        field: String,
        in connection: Connection
    ) throws {
        let row = try connection.queryOne(
            "SELECT status FROM users WHERE id = ? AND company_id = ?",
            [.text(userID), .text(companyID)]
        )
        guard let status = row?.string("status") else {
            throw RPCError(
                .notFound,
                "\(field) '\(userID)' is not a user of company \(companyID); users.list shows the company's users",
                details: ["kind": "user", "id": .string(userID), "field": .string(field)]
            )
        }

        guard status != "deactivated" else {
            throw RPCError(
                .failedPrecondition,
                "\(field) '\(userID)' is a deactivated user; reactivate the user with users.reactivate or pick another user",
                details: ["user_id": .string(userID), "field": .string(field), "status": .string(status)]
            )
        }
    }
}
