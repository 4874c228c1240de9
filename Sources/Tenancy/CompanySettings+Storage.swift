import MeshProtocol

extension CompanySettings {
    /// The settings as JSON, the form events and views carry.
    public var json: JSONValue {
        // Encoding plain strings, booleans and arrays cannot fail.
        (try? JSONValue(encoding: self)) ?? .null
    }

    /// The JSON text stored in `companies.settings`.
    var storedText: String {
        JSONWriter.string(json)
    }

    /// Decodes the stored JSON text of company `companyID`.
    static func decodeStored(_ text: String, companyID: String) throws -> CompanySettings {
        do {
            return try JSONParser.parse(text).decode(CompanySettings.self)
        } catch {
            throw RPCError(.internal, "the stored settings of company \(companyID) do not decode (\(error)); reconfigure the company")
        }
    }
}
