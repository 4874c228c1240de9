import MeshProtocol
import MeshRuntime
import MeshStore

extension NotificationExport {
    /// Returns the plan of the export in pages: the recipients and channels first, then the messages, oldest first.
    static func plan(companyID: String) -> ExportPlan {
        ExportPlan(
            head: { connection in
                // As in the whole export, a company no event has introduced yet has no `company` member.
                var head: [String: JSONValue] = [CodingKeys.companyID.rawValue: .string(companyID)]
                if let company = try CompanyRecord.load(companyID, in: connection).map(Company.init) {
                    head[CodingKeys.company.rawValue] = try JSONValue(encoding: company)
                }
                return head
            },
            lists: [messages]
        )
    }

    static let messages = ExportList(
        [CodingKeys.messages.rawValue], select: "SELECT \(MessageView.columns) FROM messages", key: ["seq"]
    ) { row in
        try JSONValue(encoding: MessageView(row: row))
    }
}
