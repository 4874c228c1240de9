import MeshProtocol
import Testing

@testable import Tenancy

/// `rpc.describe` lists the tier names for every param that names a tier.
@Suite struct TierSchemaTests {
    @Test(arguments: ["companies.provision", "companies.changeTier", "companies.list"])
    func tierParamListsTheTiers(_ method: String) throws {
        let harness = try TenancyHarness()
        let schema = try #require(harness.parts.methods[method]?.descriptor.paramsSchema["properties"]?["tier"])

        #expect(schema["enum"]?.arrayValue?.contains("platinum") == true, "\(schema)")
        #expect(schema["enum"]?.arrayValue?.contains("basic") == true, "\(schema)")
    }
}
