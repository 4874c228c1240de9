import MeshProtocol
import MeshRuntime
import MeshTesting
import TenantModel
import Testing

@testable import Tenancy

/// `users.recoverAccess`: the way back for an active user who lost or had every key revoked.
@Suite("Access recovery") struct AccessRecoveryTests {
    func recover(
        _ harness: TenancyHarness,
        _ company: OnboardedCompany,
        _ userID: String,
        as caller: Caller? = .root,
        idempotencyKey: String? = nil
    ) async throws -> JSONValue {
        try await harness.call(
            "users.recoverAccess", ["company_id": .string(company.companyID), "user_id": .string(userID)],
            as: caller, idempotencyKey: idempotencyKey
        )
    }

    func accept(_ harness: TenancyHarness, _ token: String) async throws -> JSONValue {
        try await harness.call("auth.acceptInvitation", ["token": .string(token)], as: nil)
    }

    func verify(_ harness: TenancyHarness, _ key: String) async throws -> JSONValue {
        try await harness.call("auth.verifyKey", ["api_key": .string(key)], as: .service)
    }

    /// Onboards a company whose only owner then revokes their only key.
    func lockedOutOwner(_ harness: TenancyHarness) async throws -> OnboardedCompany {
        let company = try await harness.onboard()
        _ = try await verify(harness, company.ownerKey)
        _ = try await harness.call(
            "auth.revokeKey", ["key_id": .string(try #require(company.owner.keyID))], as: company.owner)
        return company
    }

    @Test func rootRecoversALockedOutOwner() async throws {
        let harness = try TenancyHarness()
        let company = try await lockedOutOwner(harness)

        let recovered = try await recover(harness, company, company.ownerID)
        #expect(recovered["user"]?["user_id"]?.stringValue == company.ownerID)
        #expect(recovered["user"]?["status"] == "active")
        let invitationID = try #require(recovered["invitation"]?["invitation_id"]?.stringValue)
        #expect(recovered["invitation"]?["expires_at_ms"]?.intValue == harness.clock.nowMs() + Invitations.lifetimeMs)
        #expect(recovered["invitation"]?["token"] == nil)

        let event = try #require(try harness.published().last)
        #expect(event.topic == EventTopic.userAccessRecoveryIssued)
        #expect(event.payload["user_id"]?.stringValue == company.ownerID)
        #expect(event.payload["email"] == "owner@techcorp.example")
        #expect(event.payload["requested_by"] == "root")
        #expect(event.payload["invitation"]?["invitation_id"]?.stringValue == invitationID)
        let token = try harness.invitationToken(for: company.ownerID)
        #expect(!JSONWriter.string(recovered).contains(token))

        let accepted = try await accept(harness, token)
        let newKey = try #require(accepted["api_key"]?.stringValue)
        #expect(accepted["user"]?["status"] == "active")
        #expect(accepted["user"]?["role"] == "owner")
        let verified = try await verify(harness, newKey)
        #expect(verified["caller"]?["user_id"]?.stringValue == company.ownerID)
        #expect(verified["caller"]?["role"] == "owner")
        _ = await expectFailure(.unauthenticated) { try await verify(harness, company.ownerKey) }

        // The user was already active: no second activation reaches subscribers.
        #expect(try harness.published().filter { $0.topic == EventTopic.userActivated }.count == 1)
        let audit = try await harness.call("audit.list", ["company_id": .string(company.companyID)])
        let actions = audit["entries"]?.arrayValue?.compactMap { $0["action"]?.stringValue } ?? []
        #expect(actions.prefix(2) == ["auth.acceptInvitation", "users.recoverAccess"])
    }

    @Test func recoveryLeavesExistingKeysAlone() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let member = try await harness.addUser(to: company, email: "m@tech.example")

        _ = try await recover(harness, company, member.userID, as: company.owner)
        _ = try await accept(harness, try harness.invitationToken(for: member.userID))

        _ = try await verify(harness, member.apiKey)
        #expect(
            try harness.count("api_keys", where: "user_id = ? AND revoked_at_ms IS NULL", [.text(member.userID)]) == 2)
        #expect(try harness.count("api_keys", where: "user_id = ? AND name = 'recovery'", [.text(member.userID)]) == 1)
    }

    @Test func adminRecoversOthersButNotAnOwner() async throws {
        let harness = try TenancyHarness()
        let company = try await lockedOutOwner(harness)
        // The owner's only key is revoked, so root invites the others.
        let admin = try await harness.addUser(to: company, email: "a@tech.example", role: .admin, as: .root)
        let member = try await harness.addUser(to: company, email: "m@tech.example", as: .root)

        let denied = await expectFailure(.permissionDenied) {
            try await recover(harness, company, company.ownerID, as: admin.caller)
        }
        #expect(denied?.details?["method"] == "users.recoverAccess")
        #expect(denied?.details?["required_role"] == "owner")
        #expect(denied?.details?["role"] == "admin")
        #expect(try harness.count("invitations", where: "purpose = 'recovery'") == 0)

        let recovered = try await recover(harness, company, member.userID, as: admin.caller)
        #expect(recovered["user"]?["user_id"]?.stringValue == member.userID)
        #expect(try harness.published().last?.payload["requested_by"]?.stringValue == admin.userID)
    }

    @Test func ownerRecoversAnotherOwner() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let second = try await harness.addUser(to: company, email: "o2@tech.example", role: .owner)

        _ = try await recover(harness, company, second.userID, as: company.owner)
        let accepted = try await accept(harness, try harness.invitationToken(for: second.userID))
        #expect(accepted["user"]?["role"] == "owner")
    }

    @Test(arguments: [Role.member, .viewer])
    func rolesBelowAdminCannotCallIt(_ role: Role) async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let user = try await harness.addUser(to: company, email: "u@tech.example", role: role)

        let denied = await expectFailure(.permissionDenied) {
            try await recover(harness, company, user.userID, as: user.caller)
        }
        #expect(denied?.details?["required_role"] == "admin")
        #expect(denied?.details?["role"]?.stringValue == role.rawValue)
    }

    @Test func invitedAndDeactivatedUsersRejected() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let invited = try await harness.call(
            "users.invite", ["company_id": .string(company.companyID), "email": "i@tech.example", "name": "I"],
            as: company.owner
        )
        let invitedID = try #require(invited["user"]?["user_id"]?.stringValue)
        let member = try await harness.addUser(to: company, email: "m@tech.example")
        _ = try await harness.call(
            "users.deactivate", ["company_id": .string(company.companyID), "user_id": .string(member.userID)])

        let notYet = await expectFailure(.failedPrecondition) { try await recover(harness, company, invitedID) }
        #expect(notYet?.message.contains("users.invite") == true)
        #expect(notYet?.details?["status"] == "invited")
        let deactivated = await expectFailure(.failedPrecondition) {
            try await recover(harness, company, member.userID)
        }
        #expect(deactivated?.message.contains("users.reactivate first") == true)
        #expect(deactivated?.details?["status"] == "deactivated")
        #expect(try harness.count("invitations", where: "purpose = 'recovery'") == 0)
    }

    @Test func tokenSpentOnceKeyUsed() async throws {
        let harness = try TenancyHarness()
        let company = try await lockedOutOwner(harness)
        _ = try await recover(harness, company, company.ownerID)
        let token = try harness.invitationToken(for: company.ownerID)

        // A lost reply: the same token replaces the key no one has used yet, as for a first invitation.
        let lost = try #require(try await accept(harness, token)["api_key"]?.stringValue)
        let newKey = try #require(try await accept(harness, token)["api_key"]?.stringValue)
        _ = await expectFailure(.unauthenticated) { try await verify(harness, lost) }

        _ = try await verify(harness, newKey)
        let spent = await expectFailure(.failedPrecondition) { try await accept(harness, token) }
        #expect(spent?.message.contains("the token is spent") == true)
        #expect(spent?.message.contains("users.recoverAccess") == true)
        #expect(try harness.count("api_keys", where: "revoked_at_ms IS NULL") == 1)
    }

    @Test func newerRecoveryReplacesEarlierOne() async throws {
        let harness = try TenancyHarness()
        let company = try await lockedOutOwner(harness)
        _ = try await recover(harness, company, company.ownerID)
        let first = try harness.invitationToken(for: company.ownerID)
        _ = try await recover(harness, company, company.ownerID)
        let second = try harness.invitationToken(for: company.ownerID)
        #expect(first != second)

        let replaced = await expectFailure(.failedPrecondition) { try await accept(harness, first) }
        #expect(replaced?.message.contains("a newer one replaced it") == true)
        _ = try await accept(harness, second)
    }

    @Test func recoveryTokenExpiresAfterSevenDays() async throws {
        let harness = try TenancyHarness()
        let company = try await lockedOutOwner(harness)
        _ = try await recover(harness, company, company.ownerID)

        try harness.advance(days: 8)
        let expired = await expectFailure(.failedPrecondition) {
            try await accept(harness, try harness.invitationToken(for: company.ownerID))
        }
        #expect(expired?.message.contains("users.recoverAccess") == true)
    }

    @Test func deactivatedUserCannotAcceptRecovery() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let member = try await harness.addUser(to: company, email: "m@tech.example")
        _ = try await recover(harness, company, member.userID)
        _ = try await harness.call(
            "users.deactivate", ["company_id": .string(company.companyID), "user_id": .string(member.userID)])

        let rejected = await expectFailure(.failedPrecondition) {
            try await accept(harness, try harness.invitationToken(for: member.userID))
        }
        #expect(rejected?.message.contains("reactivate you") == true)

        // Reactivation does not revive the token mailed before the deactivation.
        _ = try await harness.call(
            "users.reactivate", ["company_id": .string(company.companyID), "user_id": .string(member.userID)])
        let expired = await expectFailure(.failedPrecondition) {
            try await accept(harness, try harness.invitationToken(for: member.userID))
        }
        #expect(expired?.message.contains("users.recoverAccess") == true)
        #expect(try harness.count("api_keys", where: "name = 'recovery'") == 0)
    }

    @Test func idempotentRetryReturnsFirstResult() async throws {
        let harness = try TenancyHarness()
        let company = try await lockedOutOwner(harness)

        let first = try await recover(harness, company, company.ownerID, idempotencyKey: "recover-1")
        let second = try await recover(harness, company, company.ownerID, idempotencyKey: "recover-1")

        #expect(second == first)
        #expect(try harness.published().filter { $0.topic == EventTopic.userAccessRecoveryIssued }.count == 1)
        #expect(try harness.count("invitations", where: "purpose = 'recovery'") == 1)
    }

    @Test func onlyNotificationReceivesRecoveryTopic() {
        #expect(Tenancy.subscribers["notification"]?.contains(EventTopic.userAccessRecoveryIssued) == true)
        #expect(Tenancy.subscribers["analytics"]?.contains(EventTopic.userAccessRecoveryIssued) == false)
        #expect(Tenancy.subscribers["billing"]?.contains(EventTopic.userAccessRecoveryIssued) == false)
    }

    @Test func exportShowsInvitationPurpose() async throws {
        let harness = try TenancyHarness()
        let company = try await lockedOutOwner(harness)
        _ = try await recover(harness, company, company.ownerID)

        let exported = try harness.store.readSync { connection in
            let record = try #require(try CompanyRecord.load(company.companyID, in: connection))
            return try CompanyExport.local(record, atMs: harness.clock.nowMs(), in: connection)
        }
        let purposes = exported["invitations"]?.arrayValue?.compactMap { $0["purpose"]?.stringValue }
        #expect(purposes == ["join", "recovery"])
    }
}
