import MeshProtocol
import MeshRuntime
import MeshStore

/// The teams and issues part of a company's data export, under `workspace`.
enum WorkspaceExport {
    /// Returns `{last_issue_number}`: the number the company's last issue took. The teams and issues
    /// follow as lists.
    static func head(companyID: String, connection: Connection) throws -> JSONValue {
        let lastNumber = try connection.scalarInt(
            "SELECT last_number FROM issue_counters WHERE company_id = ?",
            [.text(companyID)]
        )
        return ["last_issue_number": .int(lastNumber ?? 0)]
    }

    /// Every issue in number order, deleted ones included with `deleted_at_ms` set, because an export
    /// contains everything the company stored.
    static let issues = ExportList(
        ["workspace", "issues"], select: "SELECT \(Issue.columns), deleted_at_ms FROM issues", key: ["number"]
    ) { row in
        var members = try Issue(row: row).json.objectValue ?? [:]
        members["deleted_at_ms"] = row.int("deleted_at_ms").map { .int($0) } ?? .null
        return .object(members)
    }
}
