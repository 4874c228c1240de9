import MeshProtocol
import Testing

@testable import Tenancy

/// `rpc.describe` lists the tier and role names for every param that names one.
@Suite struct TierSchemaTests {
    @Test(arguments: ["companies.provision", "companies.changeTier", "companies.list"])
    func tierParamListsTheTiers(_ method: String) throws {
        let harness = try TenancyHarness()
        let schema = try #require(harness.parts.methods[method]?.descriptor.paramsSchema["properties"]?["tier"])

        #expect(schema["enum"]?.arrayValue?.contains("platinum") == true, "\(schema)")
        #expect(schema["enum"]?.arrayValue?.contains("basic") == true, "\(schema)")
    }

    @Test(arguments: ["users.invite", "users.setRole"])
    func roleParamListsTheRoles(_ method: String) throws {
        let harness = try TenancyHarness()
        let schema = try #require(harness.parts.methods[method]?.descriptor.paramsSchema["properties"]?["role"])

        #expect(schema["enum"]?.arrayValue?.contains("viewer") == true, "\(schema)")
    }

    @Test func assigneeIsRequiredButNullable() throws {
        let harness = try TenancyHarness()
        let schema = try #require(harness.parts.methods["issues.assign"]?.descriptor.paramsSchema)

        #expect(schema["required"]?.arrayValue?.contains("assignee_id") == true, "\(schema)")
        #expect(schema["properties"]?["assignee_id"]?["type"] == ["string", "null"], "\(schema)")
    }
}
