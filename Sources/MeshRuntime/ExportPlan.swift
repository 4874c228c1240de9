import MeshProtocol
import MeshStore

/// A service's part of a company's data export: members that are no lists (the company, its settings),
/// read whole, and lists read in key order, all at once or a page at a time.
///
/// A page has the shape of the whole part with some of its rows. The first page contains the other
/// members and every list, empty or with its first rows. Appending each list's rows, page after page,
/// gives the whole part.
public struct ExportPlan: Sendable {
    /// Returns the members that are no lists.
    let head: @Sendable (Connection) throws -> [String: JSONValue]
    let lists: [ExportList]

    /// Rows read per query while a page fills.
    static let batchRows = 200

    public init(head: @escaping @Sendable (Connection) throws -> [String: JSONValue], lists: [ExportList]) {
        self.head = head
        self.lists = lists
    }

    /// Returns the whole part of company `companyID`.
    public func whole(companyID: String, _ connection: Connection) throws -> [String: JSONValue] {
        var part = try head(connection)
        for list in lists {
            Self.append(try list.all(companyID: companyID, connection), at: list.path, to: &part)
        }
        return part
    }

    /// Returns one page of the part of company `companyID`, starting at `position` (nil for the first
    /// page), and the position of the next page, nil after the last.
    ///
    /// A page stops before the item that would take its JSON past `maximumBytes`, but always has at
    /// least one item (the part's other members, on the first page), so a single large row makes a
    /// page past `maximumBytes`.
    public func page(companyID: String, from position: ExportPosition?, maximumBytes: Int, _ connection: Connection)
        throws -> (part: [String: JSONValue], next: ExportPosition?)
    {
        var part: [String: JSONValue] = [:]
        var size = 0
        var current = position ?? ExportPosition(list: 0, after: nil)
        if position == nil {
            part = try head(connection)
            for list in lists {
                Self.append([], at: list.path, to: &part)
            }
            size = JSONWriter.serialize(.object(part)).count
        }

        // The first page's members count as its first item, so a row that would take it past
        // `maximumBytes` waits for the next page.
        var filled = position == nil
        while current.list < lists.count {
            let list = lists[current.list]
            let rows = try list.rows(companyID: companyID, after: current.after, limit: Self.batchRows, connection)
            for row in rows {
                let item = try list.item(row)
                var itemSize = JSONWriter.serialize(item).count + 1
                if !filled || current.after == nil {
                    // The list's name, and the objects around it, come with its first row on the page.
                    itemSize += list.path.reduce(0) { $0 + $1.utf8.count + 6 }
                }
                if filled && size + itemSize > maximumBytes {
                    return (part, current)
                }
                Self.append([item], at: list.path, to: &part)
                size += itemSize
                filled = true
                current.after = list.keyValues(of: row)
            }
            if rows.count < Self.batchRows {
                current = ExportPosition(list: current.list + 1, after: nil)
            }
        }
        return (part, nil)
    }

    /// Appends `items` to the list at `path` inside `part`, creating the list and the objects around it.
    static func append(_ items: [JSONValue], at path: [String], to part: inout [String: JSONValue]) {
        guard let name = path.first else {
            return
        }
        if path.count == 1 {
            part[name] = .array((part[name]?.arrayValue ?? []) + items)
            return
        }
        var inner = part[name]?.objectValue ?? [:]
        append(items, at: Array(path.dropFirst()), to: &inner)
        part[name] = .object(inner)
    }
}

/// The start of the next page of an export part: the list, and the key values of the last row read
/// from it (nil at the list's start).
public struct ExportPosition: Sendable, Equatable {
    public var list: Int
    public var after: [SQLValue]?

    public init(list: Int, after: [SQLValue]?) {
        self.list = list
        self.after = after
    }

    /// The position as JSON: `{"list": 2, "after": ["2026-01-05", 3]}`.
    public var json: JSONValue {
        let values = after?.map { value -> JSONValue in
            switch value {
            case .integer(let number): return .int(number)
            case .real(let number): return .double(number)
            case .text(let text): return .string(text)
            case .null, .blob: return .null
            }
        }
        return ["list": .int(Int64(list)), "after": values.map { .array($0) } ?? .null]
    }

    /// The error for a position that no page returned. Tenancy seals each position into the cursor of
    /// `companies.exportPage`, so only a direct call of a service's `exportPage` can send one.
    static let invalid = RPCError.invalidArgument(
        field: "position",
        "position is not one that this export returned; pass the previous page's next unchanged, "
            + "or leave it out to start the export again")

    /// Reads a position written by `json`.
    public init(json: JSONValue) throws(RPCError) {
        let invalid = Self.invalid
        guard let list = json["list"]?.intValue, list >= 0, list < Int64(Int32.max) else {
            throw invalid
        }
        var after: [SQLValue]?
        if let values = json["after"]?.arrayValue {
            after = try values.map { value throws(RPCError) -> SQLValue in
                switch value {
                case .int(let number): return .integer(number)
                case .double(let number): return .real(number)
                case .string(let text): return .text(text)
                default: throw invalid
                }
            }
        } else if let value = json["after"], value != .null {
            throw invalid
        }
        self.init(list: Int(list), after: after)
    }
}

/// Params of the services' internal `exportPage` methods: one page of a company's part of its export.
public struct ExportPageParams: Codable, Sendable, MemberSchemaProviding {
    public var companyID: String
    /// The `next` of the previous page; absent for the first page.
    public var position: JSONValue?
    /// The size a page stops short of, 1 KiB to 64 MiB, and 512 KiB when absent.
    public var maximumBytes: Int?

    public static let defaultMaximumBytes = 512 * 1024

    public init(companyID: String, position: JSONValue?, maximumBytes: Int?) {
        self.companyID = companyID
        self.position = position
        self.maximumBytes = maximumBytes
    }

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case position
        case maximumBytes = "maximum_bytes"
    }

    public static var memberSchemas: [String: JSONValue] {
        [CodingKeys.position.rawValue: ["type": "object"]]
    }
}

/// One page of a service's part of a company's export, and where the next page starts.
public struct ExportPage: Codable, Sendable, MemberSchemaProviding {
    /// The part's members on the first page, and some rows of its lists.
    public var part: JSONValue
    /// The position to pass for the next page; null after the last page.
    public var next: JSONValue

    public init(part: JSONValue, next: JSONValue) {
        self.part = part
        self.next = next
    }

    public static var memberSchemas: [String: JSONValue] {
        ["part": ["type": "object"], "next": ["type": ["object", "null"]]]
    }
}

extension ExportPlan {
    /// Reads the page that `params` names.
    public func page(_ params: ExportPageParams, _ connection: Connection) throws -> ExportPage {
        let position = try params.position.map { json throws(RPCError) in try ExportPosition(json: json) }
        // A position names one of these lists, with a value for each column of its key.
        if let position,
            position.list >= lists.count || (position.after.map { $0.count != lists[position.list].key.count } ?? false)
        {
            throw ExportPosition.invalid
        }
        let maximumBytes = try PageLimit.check(
            params.maximumBytes, defaultLimit: ExportPageParams.defaultMaximumBytes, maximum: 64 << 20, minimum: 1_024,
            field: "maximum_bytes")
        let page = try page(companyID: params.companyID, from: position, maximumBytes: maximumBytes, connection)
        return ExportPage(part: .object(page.part), next: page.next?.json ?? .null)
    }
}
