import MeshProtocol
import MeshStore

/// The teams and issues part of a company's data export.
enum WorkspaceExport {
    /// Returns `{teams, issues, last_issue_number}` for company `companyID`.
    ///
    /// Teams come with their member ids. Issues are in number order and include deleted ones, with
    /// `deleted_at_ms` set, because an export contains everything the company stored. Call it inside a
    /// read or write so that both lists come from one snapshot.
    static func export(companyID: String, connection: Connection) throws -> JSONValue {
        let teams = try Team.list(companyID: companyID, in: connection).map(\.json)

        let rows = try connection.query(
            "SELECT \(Issue.columns), deleted_at_ms FROM issues WHERE company_id = ? ORDER BY number",
            [.text(companyID)]
        )
        let issues = try rows.map { row -> JSONValue in
            var members = try Issue(row: row).json.objectValue ?? [:]
            members["deleted_at_ms"] = row.int("deleted_at_ms").map { .int($0) } ?? .null
            return .object(members)
        }

        let lastNumber = try connection.scalarInt(
            "SELECT last_number FROM issue_counters WHERE company_id = ?",
            [.text(companyID)]
        )
        return [
            "teams": .array(teams),
            "issues": .array(issues),
            "last_issue_number": .int(lastNumber ?? 0),
        ]
    }
}
