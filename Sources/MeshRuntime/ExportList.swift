import Foundation
import MeshProtocol
import MeshStore

/// One list of a company's data export: the rows of one table in the order of a key that is unique
/// within the company, so that an export in pages can go on after the last row of a page.
public struct ExportList: Sendable {
    /// The path of the list in the service's part of the export, such as `["workspace", "issues"]`.
    public let path: [String]
    /// The query up to its WHERE clause, for example `SELECT * FROM daily`. Its table has a
    /// `company_id` column, and it selects the key columns.
    let select: String
    /// The columns, unique together within one company, that order the rows.
    let key: [String]
    /// Turns a row into the list's item.
    let item: @Sendable (Row) throws -> JSONValue

    public init(
        _ path: [String], select: String, key: [String],
        item: @escaping @Sendable (Row) throws -> JSONValue = ExportList.columns
    ) {
        self.path = path
        self.select = select
        self.key = key
        self.item = item
    }

    /// Returns up to `limit` rows of company `companyID` after the row whose key values are `after`.
    /// A nil `after` starts at the first row, and a nil `limit` reads every row.
    func rows(companyID: String, after: [SQLValue]?, limit: Int?, _ connection: Connection) throws -> [Row] {
        let order = key.joined(separator: ", ")
        var sql = "\(select) WHERE company_id = ?"
        var arguments: [SQLValue] = [.text(companyID)]
        if let after {
            sql += " AND (\(order)) > (\(Array(repeating: "?", count: key.count).joined(separator: ", ")))"
            arguments += after
        }
        sql += " ORDER BY \(order)"
        if let limit {
            sql += " LIMIT ?"
            arguments.append(.integer(Int64(limit)))
        }
        return try connection.query(sql, arguments)
    }

    /// Returns every item of company `companyID`, in key order.
    public func all(companyID: String, _ connection: Connection) throws -> [JSONValue] {
        try rows(companyID: companyID, after: nil, limit: nil, connection).map(item)
    }

    /// Returns the row's key values, from which the next page goes on.
    func keyValues(of row: Row) -> [SQLValue] {
        key.map { row[$0] }
    }

    /// Converts a row to a JSON object keyed by column name. A blob becomes its base64 text.
    @Sendable public static func columns(_ row: Row) -> JSONValue {
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
                members[name] = .string(Data(bytes).base64EncodedString())
            }
        }
        return .object(members)
    }
}
