import MeshProtocol
import MeshRuntime
import MeshStore

/// The issue a call names: by `issue_id` or by `key` (such as `TECH-42`), exactly one of the two.
struct IssueReference: Sendable, Hashable {
    var issueID: String?
    var key: String?

    /// Checks that exactly one of the two is given and parses the key, before any work starts.
    ///
    /// - Throws: INVALID_ARGUMENT naming the member when both or neither are given, or the key is malformed.
    func validated() throws(RPCError) -> IssueReference {
        switch (issueID, key) {
        case (.some, .some):
            throw RPCError.invalidArgument(field: "key", "pass either issue_id or key, not both")
        case (nil, nil):
            throw RPCError.invalidArgument(
                field: "issue_id", "pass issue_id (for example iss_...) or key (for example TECH-42)")
        case (_, .some(let text)):
            _ = try IssueKey(parsing: text)
            return self
        case (.some, nil):
            return self
        }
    }

    /// Loads the issue of company `companyID` that this reference names, if it is not deleted.
    func load(companyID: String, in connection: Connection) throws -> Issue {
        if let key {
            return try Issue.load(key: try IssueKey(parsing: key), companyID: companyID, in: connection)
        }
        return try Issue.load(issueID ?? "", companyID: companyID, in: connection)
    }

    /// Returns `companyID` when the call names a company, or else the company of the issue this
    /// reference names: the one whose key prefix the key carries, or the one the issue id belongs to.
    ///
    /// The gateway fills in `company_id` for users, so only root and services leave it out.
    ///
    /// - Throws: NOT_FOUND when no company has the key prefix or the live issue id.
    func company(_ companyID: String?, in connection: Connection) throws -> String {
        if let companyID {
            return companyID
        }

        if let key {
            let parsed = try IssueKey(parsing: key)
            let row = try connection.queryOne(
                "SELECT id FROM companies WHERE key_prefix = ?", [.text(parsed.prefix.uppercased())])
            guard let row else {
                throw RPCError.notFound("issue", parsed.text)
            }
            return try row.requireString("id")
        }

        let id = issueID ?? ""
        let row = try connection.queryOne(
            "SELECT company_id FROM issues WHERE id = ? AND deleted_at_ms IS NULL", [.text(id)])
        guard let row else {
            throw RPCError.notFound("issue", id)
        }
        return try row.requireString("company_id")
    }

    /// Returns `companyID`, or reads the company of the issue when the call leaves it out, as
    /// `company(_:in:)` does, ahead of a write that needs the company first.
    func company(_ companyID: String?, env: ServiceEnvironment, deadline: ContinuousClock.Instant?) async throws
        -> String
    {
        if let companyID {
            return companyID
        }
        return try await env.store.read(deadline: deadline) { connection in
            try self.company(nil, in: connection)
        }
    }
}
