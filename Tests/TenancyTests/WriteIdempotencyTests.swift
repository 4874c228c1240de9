import MeshProtocol
import MeshRuntime
import TenantModel
import Testing

@testable import Tenancy

/// Every company write but key creation honours `meta.idempotency_key`: a retry returns the first
/// result and changes nothing again.
@Suite("Company writes with an idempotency key")
struct WriteIdempotencyTests {
    /// Calls `method` twice with one key and checks the second call replays the first.
    private func callTwice(
        _ fixture: WorkspaceFixture,
        _ method: String,
        _ params: JSONValue,
        as caller: Caller,
        key: String = "retry-1"
    ) async throws -> JSONValue {
        let first = try await fixture.harness.call(method, params, as: caller, idempotencyKey: key)
        let second = try await fixture.harness.call(method, params, as: caller, idempotencyKey: key)
        #expect(second == first, "\(method) returned another result on retry")
        return first
    }

    private func auditCount(_ fixture: WorkspaceFixture, action: String) throws -> Int64 {
        try fixture.harness.store.readSync { connection in
            try connection.scalarInt("SELECT count(*) FROM audit WHERE action = ?", [.text(action)]) ?? 0
        }
    }

    @Test func teamWritesApplyOnce() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Team Retry Co")
        let user = try await fixture.invite(company)
        let owner = company.owner

        let team = try await callTwice(
            fixture, "teams.create", ["company_id": .string(company.id), "name": "Platform"], as: owner)
        let membership: JSONValue = [
            "company_id": .string(company.id), "team_id": team["team_id"] ?? .null,
            "user_id": .string(user.userID ?? ""),
        ]
        _ = try await callTwice(fixture, "teams.addMember", membership, as: owner, key: "add")
        let removed = try await callTwice(fixture, "teams.removeMember", membership, as: owner, key: "remove")

        #expect(removed["member_ids"] == [])
        #expect(try fixture.events(EventTopic.teamCreated).count == 1)
        #expect(try fixture.events(EventTopic.teamMemberAdded).count == 1)
        #expect(try fixture.events(EventTopic.teamMemberRemoved).count == 1)
    }

    @Test func issueWritesApplyOnce() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Issue Retry Co")
        let issueID = try #require(try await fixture.createIssue(company, title: "Retry me")["issue_id"]?.stringValue)
        let target: [String: JSONValue] = ["company_id": .string(company.id), "issue_id": .string(issueID)]
        let owner = company.owner

        _ = try await callTwice(
            fixture, "issues.update", .object(target.merging(["title": "Renamed"]) { $1 }), as: owner, key: "u")
        _ = try await callTwice(
            fixture, "issues.transition", .object(target.merging(["to_status": "In Progress"]) { $1 }), as: owner,
            key: "t")
        let deleted = try await callTwice(fixture, "issues.delete", .object(target), as: owner, key: "d")

        #expect(deleted["issue_id"] == .string(issueID))
        #expect(try auditCount(fixture, action: "issues.update") == 1)
        #expect(try fixture.events(EventTopic.issueTransitioned).count == 1)
        #expect(try fixture.events(EventTopic.issueDeleted).count == 1)
    }

    @Test func companyAndUserWritesApplyOnce() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Lifecycle Retry Co")
        let user = try await fixture.invite(company)
        let userParams: JSONValue = ["company_id": .string(company.id), "user_id": .string(user.userID ?? "")]

        _ = try await callTwice(
            fixture, "users.setRole",
            [
                "company_id": .string(company.id), "user_id": .string(user.userID ?? ""),
                "role": "admin",
            ], as: company.owner, key: "role")
        _ = try await callTwice(fixture, "users.deactivate", userParams, as: company.owner, key: "off")
        _ = try await callTwice(fixture, "companies.suspend", ["company_id": .string(company.id)], as: .root, key: "s")

        #expect(try fixture.events(EventTopic.userUpdated).count == 1)
        #expect(try fixture.events(EventTopic.userDeactivated).count == 1)
        #expect(try fixture.events(EventTopic.companySuspended).count == 1)
    }

    @Test func keyWithOtherParamsIsRejected() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Changed Params Co")
        let issueID = try #require(try await fixture.createIssue(company, title: "First")["issue_id"]?.stringValue)
        let params = { (title: String) -> JSONValue in
            ["company_id": .string(company.id), "issue_id": .string(issueID), "title": .string(title)]
        }
        _ = try await fixture.harness.call("issues.update", params("Second"), as: company.owner, idempotencyKey: "k")

        let error = await rpcFailure {
            try await fixture.harness.call("issues.update", params("Third"), as: company.owner, idempotencyKey: "k")
        }

        #expect(error?.status == .alreadyExists)
        #expect(error?.message.contains("idempotency key 'k'") == true)
    }

    @Test func anotherCompanyCannotReplayAKey() async throws {
        let fixture = try WorkspaceFixture()
        let acme = try await fixture.provision("Acme Retry Co")
        let globex = try await fixture.provision("Globex Retry Co")
        let params: JSONValue = ["company_id": .string(acme.id), "name": "Secret Team"]
        _ = try await fixture.harness.call("teams.create", params, as: acme.owner, idempotencyKey: "shared")

        let error = await rpcFailure {
            try await fixture.harness.call("teams.create", params, as: globex.owner, idempotencyKey: "shared")
        }

        #expect(error?.status == .notFound)
    }

    @Test func anotherUserCannotReplayAKey() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Roles Retry Co")
        let admin = try await fixture.invite(company, role: .admin)
        let member = try await fixture.invite(company)
        let promote: JSONValue = [
            "company_id": .string(company.id), "user_id": .string(member.userID ?? ""), "role": "owner",
        ]
        _ = try await fixture.harness.call("users.setRole", promote, as: company.owner, idempotencyKey: "sr")

        // The owner's stored result does not reach the admin, who may not make owners.
        let error = await rpcFailure {
            try await fixture.harness.call("users.setRole", promote, as: admin, idempotencyKey: "sr")
        }

        #expect(error?.status == .permissionDenied)

        // Without a key too: a call that would change nothing is still refused to an admin.
        let unchanged = await rpcFailure { try await fixture.harness.call("users.setRole", promote, as: admin) }
        #expect(unchanged?.status == .permissionDenied)
    }

    @Test func retryAfterTheTimeHasPassedGetsTheFirstAnswer() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Timed Retry Co")
        let suspend: JSONValue = [
            "company_id": .string(company.id), "reason": "unpaid",
            "reactivate_at_ms": .int(fixture.harness.clock.nowMs() + 60_000),
        ]
        let first = try await fixture.harness.call("companies.suspend", suspend, as: .root, idempotencyKey: "s")

        try fixture.harness.advance(days: 1)
        let retried = try await fixture.harness.call("companies.suspend", suspend, as: .root, idempotencyKey: "s")

        #expect(retried == first)
    }
}
