import MeshProtocol
import MeshRuntime

/// The result of `companies.exportPage`: part of a company's export, in the shape of the whole
/// document, and the cursor of the next page.
struct CompanyExportPage: Codable, Sendable, MemberSchemaProviding {
    /// Members of the whole export with some of the rows of its lists. Appending each list's rows,
    /// page after page, and taking every other member from the page that carries it gives the
    /// document `companies.export` returns.
    var page: JSONValue
    /// Fetches the next page; absent on the last one.
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case page
        case nextCursor = "next_cursor"
    }

    static var memberSchemas: [String: JSONValue] {
        [CodingKeys.page.rawValue: ["type": "object"]]
    }
}

/// Params of `companies.exportPage`.
struct ExportPageRequest: Codable, Sendable {
    var companyID: String
    /// The `next_cursor` of the previous page; absent for the first page.
    var cursor: String?
    /// The size, in bytes, that a page stops short of: 1,024 to 33,554,432, 524,288 when absent.
    var pageBytes: Int?

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case cursor
        case pageBytes = "page_bytes"
    }
}

/// The start of the next page of a company's export: the process whose part it reads, and the
/// position inside that part. On the wire it is the JSON text
/// `{"company": "cmp_...", "service": "billing", "position": {...}}`.
struct ExportCursor: Sendable {
    /// The processes in the order their parts come.
    static let services = ["tenancy"] + CompanyExport.peerExports.map(\.process)

    var companyID: String
    var service: String
    var position: JSONValue?

    /// Returns the cursor as a client gets it: sealed, since positions hold sequence numbers that every
    /// company's rows share, and bound to this company's export.
    func text(sealedWith seal: CursorSeal) -> String {
        let plain = JSONWriter.string([
            "company": .string(companyID), "service": .string(service), "position": position ?? .null,
        ])
        return seal.seal(plain, context: Self.context(companyID))
    }

    private static func context(_ companyID: String) -> String {
        "companies.exportPage\n" + companyID
    }

    init(companyID: String, service: String, position: JSONValue?) {
        self.companyID = companyID
        self.service = service
        self.position = position
    }

    /// Parses the `cursor` param of the export of company `companyID`, or returns the start of the
    /// export for nil. A cursor of another company's export is refused: its positions mean nothing here.
    init(parsing sealed: String?, companyID: String, seal: CursorSeal) throws(RPCError) {
        guard let sealed else {
            self.init(companyID: companyID, service: "tenancy", position: nil)
            return
        }
        // A cursor of another company's export does not open, since the company is part of its seal.
        guard let text = seal.open(sealed, context: Self.context(companyID)) else {
            throw CursorSeal.invalid(sealed, method: "companies.exportPage")
        }
        guard let json = try? JSONParser.parse(text), let service = json["service"]?.stringValue,
            Self.services.contains(service), json["position"]?.objectValue != nil || json["position"] == .null,
            let company = json["company"]?.stringValue
        else {
            throw RPCError.invalidArgument(
                field: "cursor",
                "cursor '\(text.clipped(to: 60))' is not one companies.exportPage returned; pass next_cursor from "
                    + "the previous page unchanged, or leave it out to start the export again")
        }
        guard company == companyID else {
            throw RPCError.invalidArgument(
                field: "cursor",
                "cursor belongs to the export of company \(company.clipped(to: 60)), not \(companyID); pass the "
                    + "next_cursor of this company's previous page, or leave it out to start its export")
        }
        self.init(companyID: companyID, service: service, position: json["position"] == .null ? nil : json["position"])
    }

    /// Returns the cursor after a page of this cursor's service whose part ended at `next` (null when
    /// that part is done), or nil when the export is complete.
    func after(next: JSONValue) -> ExportCursor? {
        if next != .null {
            return ExportCursor(companyID: companyID, service: service, position: next)
        }
        guard let index = Self.services.firstIndex(of: service), index + 1 < Self.services.count else {
            return nil
        }
        return ExportCursor(companyID: companyID, service: Self.services[index + 1], position: nil)
    }
}
