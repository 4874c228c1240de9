import MeshProtocol
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
}
