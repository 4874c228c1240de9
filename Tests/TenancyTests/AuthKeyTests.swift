import MeshProtocol
import MeshRuntime
import MeshTesting
import TenantModel
import Testing

@testable import Tenancy

@Suite("API keys") struct AuthKeyTests {
    func verify(_ harness: TenancyHarness, _ key: String) async throws -> JSONValue {
        try await harness.call("auth.verifyKey", ["api_key": .string(key)], as: .service)
    }

    @Test func activeKeyResolvesToItsUser() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard(tier: "premium")

        let verified = try await verify(harness, company.ownerKey)
        #expect(verified["caller"]?["kind"] == "user")
        #expect(verified["caller"]?["company_id"]?.stringValue == company.companyID)
        #expect(verified["caller"]?["user_id"]?.stringValue == company.ownerID)
        #expect(verified["caller"]?["role"] == "owner")
        #expect(verified["caller"]?["key_id"]?.stringValue == company.owner.keyID)
        #expect(verified["company_status"] == "active")
        #expect(verified["company_tier"] == "premium")
    }

    /// `query_only` makes the writer refuse writes with SQLITE_READONLY, as a read-only or full disk would.
    @Test func firstUseOnAReadOnlyStoreStillVerifies() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        try harness.store.writeSync { try $0.execute("PRAGMA query_only = ON") }

        let verified = try await verify(harness, company.ownerKey)

        #expect(verified["caller"]?["user_id"]?.stringValue == company.ownerID)
        let keys = try await harness.call("auth.listKeys", [:], as: company.owner)["keys"]?.arrayValue
        #expect((keys?.first?["first_used_at_ms"] ?? .null) == .null, "recorded by a later call")
    }

    @Test func firstUseIsRecorded() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let firstUse = {
            try await harness.call("auth.listKeys", [:], as: company.owner)["keys"]?.arrayValue?.first?[
                "first_used_at_ms"]
        }
        #expect((try await firstUse() ?? .null) == .null)

        _ = try await verify(harness, company.ownerKey)
        let recorded = try await firstUse()
        #expect(recorded?.intValue != nil)

        // Later uses keep the first time.
        try harness.advance(days: 1)
        _ = try await verify(harness, company.ownerKey)
        #expect(try await firstUse() == recorded)
    }

    @Test func suspendedCompanyKeyStillResolvesWithItsStatus() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        _ = try await harness.call("companies.suspend", ["company_id": .string(company.companyID)])

        let verified = try await verify(harness, company.ownerKey)
        #expect(verified["company_status"] == "suspended")
    }

    @Test func revokedKeyIsRejected() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        _ = try await harness.call("auth.revokeKey", ["key_id": .string(company.owner.keyID!)], as: company.owner)

        let error = await expectFailure(.unauthenticated) { try await verify(harness, company.ownerKey) }
        #expect(error?.message.hasPrefix("API key is not valid: it is unknown, revoked,") == true)
    }

    @Test func deactivatedUserKeyIsRejected() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let member = try await harness.addUser(to: company, email: "m@tech.example")
        _ = try await verify(harness, member.apiKey)

        _ = try await harness.call(
            "users.deactivate", ["company_id": .string(company.companyID), "user_id": .string(member.userID)],
            as: company.owner
        )
        _ = await expectFailure(.unauthenticated) { try await verify(harness, member.apiKey) }
    }

    @Test func deletedCompanyKeyIsRejected() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        _ = try await harness.call("companies.delete", ["company_id": .string(company.companyID)])
        let error = await expectFailure(.unauthenticated) { try await verify(harness, company.ownerKey) }
        #expect(error?.message.contains("which was deleted") == true)
        #expect(error?.message.contains("users.recoverAccess") == false)
    }

    @Test(arguments: ["", "tmk_", "tmk_keyabc_short", "Bearer something"])
    func malformedKeyIsRejected(_ key: String) async throws {
        let harness = try TenancyHarness()
        let error = await expectFailure(.unauthenticated) { try await verify(harness, key) }
        #expect(error?.details?["reason"] == "malformed_key")
        #expect(error?.message.contains("tmk_<key id>_<64 hex digits>") == true)
    }

    @Test func wrongRootKeyIsNotCalledMalformed() async throws {
        let harness = try TenancyHarness()

        let error = await expectFailure(.unauthenticated) { try await verify(harness, "tmr_MyOwnRootKey-2026!y") }

        #expect(error?.details?["reason"] == "wrong_root_key")
        #expect(error?.message.contains("does not match this mesh's root key") == true)
    }

    @Test func tamperedSecretIsRejected() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        var tampered = Array(company.ownerKey)
        tampered[tampered.count - 1] = tampered.last == "0" ? "1" : "0"
        let error = await expectFailure(.unauthenticated) { try await verify(harness, String(tampered)) }
        #expect(error?.message.hasPrefix("API key is not valid: it is unknown, revoked,") == true)
    }

    @Test func usersCannotCallVerifyKey() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        _ = await expectFailure(.permissionDenied) {
            try await harness.call("auth.verifyKey", ["api_key": .string(company.ownerKey)], as: company.owner)
        }
    }

    @Test func createKeyRefusesAnIdempotencyKey() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()

        do {
            _ = try await harness.call("auth.createKey", ["name": "ci"], as: company.owner, idempotencyKey: "k-1")
            Issue.record("auth.createKey accepted an idempotency key it cannot honour")
        } catch {
            #expect(error.status == .invalidArgument)
            #expect(error.details?["field"] == "meta.idempotency_key")
        }
        let keys = try await harness.call("auth.listKeys", [:], as: company.owner)
        #expect(keys["keys"]?.arrayValue?.count == 1)
    }

    @Test func createdKeysWorkAndListsShowNoSecrets() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let member = try await harness.addUser(to: company, email: "m@tech.example")

        let created = try await harness.call("auth.createKey", ["name": "ci"], as: member.caller)
        let newKey = try #require(created["api_key"]?.stringValue)
        #expect(created["key"]?["prefix"]?.stringValue == String(newKey.prefix(12)))
        #expect(try await verify(harness, newKey)["caller"]?["user_id"]?.stringValue == member.userID)

        let own = try await harness.call("auth.listKeys", [:], as: member.caller)
        #expect(own["keys"]?.arrayValue?.count == 2)
        #expect(!JSONWriter.string(own).contains(newKey))

        let all = try await harness.call("auth.listKeys", [:], as: company.owner)
        #expect(all["keys"]?.arrayValue?.count == 3)
    }

    @Test func membersRevokeOnlyTheirOwnKeys() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let member = try await harness.addUser(to: company, email: "m@tech.example")

        _ = await expectFailure(.notFound) {
            try await harness.call("auth.revokeKey", ["key_id": .string(company.owner.keyID!)], as: member.caller)
        }
        let revoked = try await harness.call(
            "auth.revokeKey", ["key_id": .string(member.caller.keyID!)], as: company.owner)
        #expect(revoked["revoked_at_ms"]?.intValue == harness.clock.nowMs())
    }

    @Test func emptyKeyIDIsInvalid() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()

        for keyID in ["", "  "] {
            let error = await expectFailure(.invalidArgument) {
                try await harness.call("auth.revokeKey", ["key_id": .string(keyID)], as: company.owner)
            }
            #expect(error?.details?["field"] == "key_id")
            #expect(error?.message.contains("auth.listKeys") == true)
        }
    }

    @Test func viewerCannotCreateKeys() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let viewer = try await harness.addUser(to: company, email: "v@tech.example", role: .viewer)
        let error = await expectFailure(.permissionDenied) {
            try await harness.call("auth.createKey", [:], as: viewer.caller)
        }
        #expect(error?.details?["required_role"] == "member")
    }
}
