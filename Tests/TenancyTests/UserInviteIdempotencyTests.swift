import MeshProtocol
import MeshRuntime
import TenantModel
import Testing

@testable import Tenancy

@Suite("Invitations with an idempotency key")
struct UserInviteIdempotencyTests {
    private func invite(
        _ fixture: WorkspaceFixture,
        _ company: WorkspaceFixture.Company,
        email: String = "lee@example.com",
        key: String?
    ) async throws -> JSONValue {
        try await fixture.harness.call(
            "users.invite",
            ["company_id": .string(company.id), "email": .string(email), "name": "Lee"],
            as: company.owner,
            idempotencyKey: key
        )
    }

    @Test func retryReturnsFirstInvitation() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Invite Retry Co")

        let first = try await invite(fixture, company, key: "invite-1")
        let second = try await invite(fixture, company, key: "invite-1")

        #expect(second == first)
        #expect(try fixture.events(EventTopic.userInvited).count == 1)
    }

    @Test func withoutKeyRepeatSendsFreshInvitation() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Invite Again Co")

        let first = try await invite(fixture, company, key: nil)
        let second = try await invite(fixture, company, key: nil)

        #expect(second["user"]?["user_id"] == first["user"]?["user_id"])
        #expect(second["invitation"]?["invitation_id"] != first["invitation"]?["invitation_id"])
        #expect(try fixture.events(EventTopic.userInvited).count == 2)
    }

    @Test func keyWithOtherEmailIsRejected() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Invite Key Co")
        _ = try await invite(fixture, company, key: "k")

        let error = await rpcFailure { try await invite(fixture, company, email: "sam@example.com", key: "k") }

        #expect(error?.status == .alreadyExists)
        #expect(error?.message.contains("idempotency key 'k'") == true)
        #expect(try fixture.events(EventTopic.userInvited).count == 1)
    }
}
