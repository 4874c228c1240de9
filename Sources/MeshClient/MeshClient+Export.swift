import MeshProtocol

extension MeshClient {
    /// Returns the whole data export of company `companyID` (the caller's own company when nil), read
    /// page by page with `companies.exportPage`, so that it works for companies whose export is larger
    /// than one frame. The result has the shape `companies.export` returns.
    ///
    /// `pageBytes` is the size each page stops short of (512 KiB when nil). The pages are read one after
    /// another, not as one snapshot, so a company that changes meanwhile can show rows of both states.
    public func exportCompany(_ companyID: String? = nil, pageBytes: Int? = nil) async throws(RPCError) -> JSONValue {
        var document: [String: JSONValue] = [:]
        var cursor: String?
        repeat {
            var params: [String: JSONValue] = [:]
            params["company_id"] = companyID.map { .string($0) }
            params["cursor"] = cursor.map { .string($0) }
            params["page_bytes"] = pageBytes.map { .int(Int64($0)) }

            let reply = try await call("companies.exportPage", .object(params))
            ExportPages.merge(reply["page"]?.objectValue ?? [:], into: &document)
            cursor = reply["next_cursor"]?.stringValue
        } while cursor != nil
        return .object(document)
    }
}
