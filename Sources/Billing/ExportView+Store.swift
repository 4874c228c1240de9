import MeshProtocol
import MeshStore

extension ExportView {
    /// Collects the company's rows from every billing table, in the order they were written.
    static func collect(companyID: String, exportedAtMs: Int64, _ connection: Connection) throws -> ExportView {
        let company: [SQLValue] = [.text(companyID)]
        let subscription = try connection.queryOne("SELECT * FROM subscriptions WHERE company_id = ?", company)

        return ExportView(
            companyID: companyID,
            exportedAtMs: exportedAtMs,
            subscription: subscription.map(json(_:)) ?? .null,
            history: try connection.query(
                "SELECT * FROM subscription_history WHERE company_id = ? ORDER BY seq", company
            ).map(json(_:)),
            invoices: try connection.query(
                "SELECT * FROM invoices WHERE company_id = ? ORDER BY sequence", company
            ).map(json(_:)),
            lineItems: try connection.query(
                "SELECT * FROM line_items WHERE company_id = ? ORDER BY seq", company
            ).map(json(_:))
        )
    }

    /// Converts a row to a JSON object keyed by column name.
    static func json(_ row: Row) -> JSONValue {
        var members: [String: JSONValue] = [:]
        for (name, value) in zip(row.columnNames, row.values) {
            switch value {
            case .null:
                members[name] = .null
            case .integer(let number):
                members[name] = .int(number)
            case .real(let number):
                members[name] = .double(number)
            case .text(let text):
                members[name] = .string(text)
            case .blob(let bytes):
                // NOTE: billing stores no blobs; one would be exported as its hex digits.
                let digits = bytes.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }
                members[name] = .string(digits.joined())
            }
        }
        return .object(members)
    }
}
