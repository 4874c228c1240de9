import MeshProtocol
import MeshRuntime
import MeshTesting

@testable import Analytics

extension ServiceHarness where Service == Analytics {
    /// Calls analytics.companyReport and returns the raw result.
    func reportJSON(_ company: String, days: Int? = nil, as caller: Caller = .root) async throws(RPCError) -> JSONValue
    {
        var params: [String: JSONValue] = ["company_id": .string(company)]
        if let days {
            params["days"] = .int(Int64(days))
        }
        return try await call("analytics.companyReport", .object(params), as: caller)
    }

    /// Calls analytics.companyReport and decodes the result.
    func report(_ company: String, days: Int? = nil, as caller: Caller = .root) async throws -> CompanyReport {
        try await reportJSON(company, days: days, as: caller).decode(CompanyReport.self)
    }
}
