import MeshProtocol
import MeshRuntime
import MeshTesting
import TenantModel
import Testing

@testable import Tenancy

@Suite("Company isolation and export") struct CompanyAccessTests {
    static let companyMethods = [
        "companies.get", "companies.export", "companies.exportPage", "users.list", "audit.list", "companies.configure",
        "companies.changeTier", "users.invite", "users.get", "users.setRole", "users.deactivate",
    ]

    @Test(arguments: companyMethods)
    func anotherCompanysIDIsNotFound(_ method: String) async throws {
        let harness = try TenancyHarness()
        let mine = try await harness.onboard(name: "Mine")
        let theirs = try await harness.onboard(name: "Theirs")

        let params: JSONValue = [
            "company_id": .string(theirs.companyID), "user_id": .string(theirs.ownerID), "email": "x@x.example",
            "name": "X", "role": "member", "tier": "premium", "settings": ["priorities": ["A", "B"]],
        ]
        let members = try #require(harness.parts.methods[method]?.descriptor.paramsSchema["properties"]?.objectValue)
        let accepted = JSONValue.object((params.objectValue ?? [:]).filter { members.keys.contains($0.key) })

        let error = await expectFailure(.notFound) { try await harness.call(method, accepted, as: mine.owner) }
        #expect(error?.details?["id"]?.stringValue == theirs.companyID)
    }

    @Test func userOfOneCompanyCannotReadAnotherCompanysUser() async throws {
        let harness = try TenancyHarness()
        let mine = try await harness.onboard(name: "Mine")
        let theirs = try await harness.onboard(name: "Theirs")

        _ = await expectFailure(.notFound) {
            try await harness.call(
                "users.get", ["company_id": .string(mine.companyID), "user_id": .string(theirs.ownerID)], as: mine.owner
            )
        }
    }

    @Test func rootReadsAnyCompany() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let view = try await harness.call("companies.get", ["company_id": .string(company.companyID)])
        #expect(view["usage"]?["users"] == 1)
        #expect(view["limits"]?["users"] == 5)
    }

    @Test func exportNamesTheServicesThatAreDown() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let error = await expectFailure(.unavailable) {
            try await harness.call("companies.export", ["company_id": .string(company.companyID)], as: company.owner)
        }
        #expect(error?.retryable == true)
        #expect(error?.details?["services"] == ["billing", "analytics", "notification"])
        #expect(error?.message.contains("billing, analytics and notification") == true)
    }

    @Test func localExportHoldsEverythingButSecrets() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let member = try await harness.addUser(to: company, email: "m@tech.example")

        let export = try harness.store.readSync { connection in
            let record = try #require(try CompanyRecord.load(company.companyID, in: connection))
            return try CompanyExport.local(record, atMs: harness.clock.nowMs(), in: connection)
        }
        #expect(export["users"]?.arrayValue?.count == 2)
        #expect(export["invitations"]?.arrayValue?.count == 2)
        #expect(export["api_keys"]?.arrayValue?.count == 2)
        #expect(export["audit"]?.arrayValue?.isEmpty == false)
        #expect(export["workspace"]?["issues"] != nil)

        let text = JSONWriter.string(.object(export))
        #expect(!text.contains(member.apiKey))
        #expect(!text.contains(company.ownerKey))
        #expect(!text.contains("hash"))
        #expect(!text.contains(try harness.invitationToken(for: member.userID)))
    }
}
