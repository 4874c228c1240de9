import MeshProtocol
import MeshRuntime
import MeshTesting
import TenantModel
import Testing

@testable import Tenancy

/// Who may revoke whose key: revoking another user's key takes the power deactivating that user takes.
@Suite("Key revocation rules") struct KeyRevocationRuleTests {
    func revoke(_ harness: TenancyHarness, _ keyID: String?, as caller: Caller) async throws -> JSONValue {
        try await harness.call("auth.revokeKey", ["key_id": .string(try #require(keyID))], as: caller)
    }

    @Test func adminCannotRevokeAnOwnersKey() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let admin = try await harness.addUser(to: company, email: "a@tech.example", role: .admin)

        let denied = await expectFailure(.permissionDenied) {
            try await revoke(harness, company.owner.keyID, as: admin.caller)
        }
        #expect(denied?.details?["method"] == "auth.revokeKey")
        #expect(denied?.details?["required_role"] == "owner")
        #expect(denied?.details?["role"] == "admin")
        #expect(denied?.message.contains("revoke an owner's key") == true)

        // The owner's key still works.
        _ = try await harness.call("auth.verifyKey", ["api_key": .string(company.ownerKey)], as: .service)
        #expect(try harness.count("api_keys", where: "revoked_at_ms IS NOT NULL") == 0)
    }

    @Test func adminDeniedOnRevokedOwnerKey() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let admin = try await harness.addUser(to: company, email: "a@tech.example", role: .admin)
        let spare = try await harness.call("auth.createKey", ["name": "spare"], as: company.owner)
        let spareID = spare["key"]?["key_id"]?.stringValue
        _ = try await revoke(harness, spareID, as: company.owner)

        _ = await expectFailure(.permissionDenied) { try await revoke(harness, spareID, as: admin.caller) }
    }

    @Test func ownersAndRootRevokeAnyKey() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let second = try await harness.addUser(to: company, email: "o2@tech.example", role: .owner)
        let admin = try await harness.addUser(to: company, email: "a@tech.example", role: .admin)

        let byOwner = try await revoke(harness, second.caller.keyID, as: company.owner)
        #expect(byOwner["revoked_at_ms"]?.intValue == harness.clock.nowMs())
        _ = try await revoke(harness, admin.caller.keyID, as: company.owner)

        let byRoot = try await harness.call(
            "auth.revokeKey",
            ["company_id": .string(company.companyID), "key_id": .string(try #require(company.owner.keyID))]
        )
        #expect(byRoot["user_id"]?.stringValue == company.ownerID)
        #expect(try harness.count("api_keys", where: "revoked_at_ms IS NULL") == 0)
    }

    @Test func adminRevokesKeysOfMembersAndAdmins() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let admin = try await harness.addUser(to: company, email: "a@tech.example", role: .admin)
        let other = try await harness.addUser(to: company, email: "a2@tech.example", role: .admin)
        let member = try await harness.addUser(to: company, email: "m@tech.example")

        _ = try await revoke(harness, member.caller.keyID, as: admin.caller)
        _ = try await revoke(harness, other.caller.keyID, as: admin.caller)
        #expect(try harness.count("api_keys", where: "revoked_at_ms IS NOT NULL") == 2)
    }

    @Test(arguments: [Role.owner, .admin, .member])
    func usersRevokeTheirOwnLastKey(_ role: Role) async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let user =
            role == .owner
            ? OnboardedUser(userID: company.ownerID, apiKey: company.ownerKey, caller: company.owner)
            : try await harness.addUser(to: company, email: "u@tech.example", role: role)

        let revoked = try await revoke(harness, user.caller.keyID, as: user.caller)
        #expect(revoked["user_id"]?.stringValue == user.userID)
        let rejected = await expectFailure(.unauthenticated) {
            try await harness.call("auth.verifyKey", ["api_key": .string(user.apiKey)], as: .service)
        }
        #expect(rejected?.message.contains("users.recoverAccess") == true)
    }
}
