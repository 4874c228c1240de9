import MeshProtocol
import MeshRuntime
import MeshTesting
import TenantModel
import Testing

@testable import Tenancy

@Suite("Invitation acceptance") struct AuthInvitationTests {
    @Test func invitationIsAcceptedOnce() async throws {
        let harness = try TenancyHarness()
        let provisioned = try await harness.provision()
        let ownerID = try #require(provisioned["owner"]?["user_id"]?.stringValue)
        let token = try harness.invitationToken(for: ownerID)

        let accepted = try await harness.call("auth.acceptInvitation", ["token": .string(token)], as: nil)
        let apiKey = try #require(accepted["api_key"]?.stringValue)
        #expect(apiKey.hasPrefix("tmk_"))
        #expect(accepted["user"]?["status"] == "active")
        #expect(try harness.published().contains { $0.topic == EventTopic.userActivated })

        // The key itself is not stored, only its hash.
        let stored = try harness.store.readSync { connection in
            try connection.query("SELECT * FROM api_keys").map { $0.values.description }.joined()
        }
        #expect(!stored.contains(apiKey))
    }

    @Test func lostReplyIsRecoveredUntilTheKeyIsUsed() async throws {
        let harness = try TenancyHarness()
        let provisioned = try await harness.provision()
        let token = try harness.invitationToken(for: try #require(provisioned["owner"]?["user_id"]?.stringValue))
        let accept = { try await harness.call("auth.acceptInvitation", ["token": .string(token)], as: nil) }
        let verify = { (key: String) in
            try await harness.call("auth.verifyKey", ["api_key": .string(key)], as: .service)
        }

        // The first reply is taken as lost: the same token again replaces the key that was never used.
        let lost = try #require(try await accept()["api_key"]?.stringValue)
        let retried = try await accept()
        let apiKey = try #require(retried["api_key"]?.stringValue)
        #expect(apiKey != lost)
        #expect(retried["user"]?["status"] == "active")
        _ = await expectFailure(.unauthenticated) { try await verify(lost) }

        // Once the key has been used, its holder has it, and the token is spent.
        _ = try await verify(apiKey)
        let again = await expectFailure(.failedPrecondition) { try await accept() }
        #expect(again?.message.contains("has already been accepted") == true)
        // The token was an owner's, and only an owner or the operator can help an owner back in.
        #expect(again?.message.contains("ask an owner of your company or the platform operator") == true)

        #expect(try harness.count("api_keys", where: "revoked_at_ms IS NULL") == 1)
        #expect(try harness.published().filter { $0.topic == EventTopic.userActivated }.count == 1)
    }

    @Test func concurrentAcceptsLeaveOneKey() async throws {
        let harness = try TenancyHarness()
        let provisioned = try await harness.provision()
        let token = try harness.invitationToken(for: try #require(provisioned["owner"]?["user_id"]?.stringValue))

        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    _ = try? await harness.call("auth.acceptInvitation", ["token": .string(token)], as: nil)
                }
            }
        }

        #expect(try harness.count("api_keys", where: "revoked_at_ms IS NULL") == 1)
        #expect(try harness.published().filter { $0.topic == EventTopic.userActivated }.count == 1)
    }

    @Test func invitationExpiresAfterSevenDays() async throws {
        let harness = try TenancyHarness()
        let provisioned = try await harness.provision()
        let token = try harness.invitationToken(for: try #require(provisioned["owner"]?["user_id"]?.stringValue))

        try harness.advance(days: 8)
        let error = await expectFailure(.failedPrecondition) {
            try await harness.call("auth.acceptInvitation", ["token": .string(token)], as: nil)
        }
        // The provisioning owner is invited as an owner, and only an owner or the operator invites one.
        #expect(
            error?.message
                == "invitation has expired; ask an owner of your company or the platform operator to invite you again")
        #expect(try harness.count("users", where: "status = 'active'") == 0)
    }

    @Test func acceptedTokenPointsToRecovery() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let token = try harness.invitationToken(for: company.ownerID)

        // The owner accepted and used the key; after the expiry, the token leads to a key, not an invitation.
        try harness.advance(days: 8)
        let error = await expectFailure(.failedPrecondition) {
            try await harness.call("auth.acceptInvitation", ["token": .string(token)], as: nil)
        }
        #expect(error?.message.contains("has expired, and your account is active already") == true)
        #expect(error?.message.contains("users.recoverAccess") == true)
        #expect(error?.message.contains("an owner of your company or the platform operator") == true)
    }

    @Test func replacedInvitationNamesTheNewOne() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let invite: JSONValue = ["company_id": .string(company.companyID), "email": "cy@tech.example", "name": "Cy"]
        let first = try await harness.call("users.invite", invite, as: company.owner)
        let userID = try #require(first["user"]?["user_id"]?.stringValue)
        let firstToken = try harness.invitationToken(for: userID)
        _ = try await harness.call("users.invite", invite, as: company.owner)

        let error = await expectFailure(.failedPrecondition) {
            try await harness.call("auth.acceptInvitation", ["token": .string(firstToken)], as: nil)
        }
        #expect(error?.message.contains("was replaced by a newer invitation") == true)

        // Once the newer invitation is accepted, the old token points to the key instead.
        let newestToken = try harness.invitationToken(for: userID)
        _ = try await harness.call("auth.acceptInvitation", ["token": .string(newestToken)], as: nil)
        let afterAccept = await expectFailure(.failedPrecondition) {
            try await harness.call("auth.acceptInvitation", ["token": .string(firstToken)], as: nil)
        }
        #expect(afterAccept?.message.contains("your account is active already") == true)
        #expect(afterAccept?.message.contains("an admin or owner of your company") == true)

        let owner = try await harness.call(
            "users.get", ["company_id": .string(company.companyID), "user_id": .string(company.ownerID)],
            as: company.owner)
        let active = await expectFailure(.alreadyExists) {
            try await harness.call(
                "users.invite",
                ["company_id": .string(company.companyID), "email": owner["email"] ?? .null, "name": "Owner"],
                as: company.owner)
        }
        #expect(active?.message.contains("users.recoverAccess") == true)
    }

    @Test(arguments: ["tmi_00000000000000000000000000000000", "", "hello"])
    func unknownTokenIsUnauthenticated(_ token: String) async throws {
        let harness = try TenancyHarness()
        _ = try await harness.provision()
        _ = await expectFailure(.unauthenticated) {
            try await harness.call("auth.acceptInvitation", ["token": .string(token)], as: nil)
        }
    }

    @Test func suspendedCompanyInvitationCannotBeAccepted() async throws {
        let harness = try TenancyHarness()
        let provisioned = try await harness.provision()
        let companyID = try #require(provisioned["company"]?["company_id"]?.stringValue)
        let token = try harness.invitationToken(for: try #require(provisioned["owner"]?["user_id"]?.stringValue))

        _ = try await harness.call("companies.suspend", ["company_id": .string(companyID)])
        let error = await expectFailure(.failedPrecondition) {
            try await harness.call("auth.acceptInvitation", ["token": .string(token)], as: nil)
        }
        #expect(error?.message.contains("suspended") == true)
    }

    /// An expired token of a deleted company names the deletion, since no new invitation can follow.
    @Test(arguments: [0, 8])
    func deletedCompanyInvitationSaysSo(daysLater: Int) async throws {
        let harness = try TenancyHarness()
        let provisioned = try await harness.provision()
        let companyID = try #require(provisioned["company"]?["company_id"]?.stringValue)
        let token = try harness.invitationToken(for: try #require(provisioned["owner"]?["user_id"]?.stringValue))

        _ = try await harness.call("companies.delete", ["company_id": .string(companyID)])
        try harness.advance(days: daysLater)
        let error = await expectFailure(.failedPrecondition) {
            try await harness.call("auth.acceptInvitation", ["token": .string(token)], as: nil)
        }

        #expect(error?.message.contains("which was deleted") == true)
        #expect(error?.details?["status"] == "deleted")
    }
}
