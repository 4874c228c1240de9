import MeshProtocol
import MeshRuntime
import TenantModel
import Testing

@testable import Tenancy

/// Calls that were verified by the gateway before their user lost the right to make them.
@Suite struct StaleCallerTests {
    @Test func demotedAdminCannotWrite() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let admin = try await harness.addUser(to: company, email: "a@tech.example", role: .admin)
        let member = try await harness.addUser(to: company, email: "m@tech.example")
        _ = try await harness.call(
            "users.setRole",
            ["company_id": .string(company.companyID), "user_id": .string(admin.userID), "role": "viewer"],
            as: company.owner)

        // The caller still carries the admin role the gateway verified before the change.
        let error = await expectFailure(.permissionDenied) {
            try await harness.call(
                "users.setRole",
                ["company_id": .string(company.companyID), "user_id": .string(member.userID), "role": "viewer"],
                as: admin.caller)
        }

        #expect(error?.retryable == true)
        #expect(error?.details?["role"] == "viewer")
        #expect(error?.details?["previous_role"] == "admin")
        let stored = try await harness.call(
            "users.get", ["company_id": .string(company.companyID), "user_id": .string(member.userID)])
        #expect(stored["role"] == "member")
    }

    @Test func deactivatedUserCannotWrite() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let member = try await harness.addUser(to: company, email: "m@tech.example")
        _ = try await harness.call(
            "users.deactivate", ["company_id": .string(company.companyID), "user_id": .string(member.userID)],
            as: company.owner)

        let error = await expectFailure(.unauthenticated) {
            try await harness.call(
                "issues.create", ["company_id": .string(company.companyID), "title": "Late", "type": "Bug"],
                as: member.caller)
        }

        #expect(error?.message.contains("while this call was on its way") == true)
        #expect(try harness.count("issues", where: "company_id = ?", [.text(company.companyID)]) == 0)
    }

    @Test func unknownUserIsNamed() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let stranger = Caller(kind: .user, companyID: company.companyID, userID: "usr_nobody", role: "owner")

        let error = await expectFailure(.unauthenticated) {
            try await harness.call("teams.list", ["company_id": .string(company.companyID)], as: stranger)
        }

        #expect(error?.message.contains("names user usr_nobody, who does not exist") == true)
    }

    @Test func revokedKeyCannotWrite() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let member = try await harness.addUser(to: company, email: "m@tech.example")
        _ = try await harness.call(
            "auth.revokeKey", ["key_id": .string(try #require(member.caller.keyID))], as: company.owner)

        _ = await expectFailure(.unauthenticated) {
            try await harness.call(
                "issues.create", ["company_id": .string(company.companyID), "title": "Late", "type": "Bug"],
                as: member.caller)
        }

        #expect(try harness.count("issues", where: "company_id = ?", [.text(company.companyID)]) == 0)
    }
}
