import MeshProtocol
import MeshRuntime
import MeshTesting
import Testing
import TenantModel

@testable import Tenancy

/// A tenancy harness with helpers shared by the team and issue tests: companies provisioned through
/// `companies.provision` as root, users invited through `users.invite`, and issues made through
/// `issues.create`.
struct WorkspaceFixture {
    /// A provisioned company and a caller acting as its owner.
    struct Company: Sendable {
        var id: String
        var keyPrefix: String
        var owner: Caller
    }

    let harness: ServiceHarness<Tenancy>

    init() throws {
        harness = try ServiceHarness<Tenancy>()
    }

    func provision(_ name: String, tier: Tier = .basic) async throws -> Company {
        let result = try await harness.call(
            "companies.provision",
            [
                "name": .string(name),
                "admin_email": .string("owner-\(UInt32.random(in: 0...UInt32.max))@example.com"),
                "admin_name": "Owner",
                "tier": .string(tier.rawValue),
            ],
            as: .root,
            idempotencyKey: "provision-\(name)-\(UInt64.random(in: 0...UInt64.max))"
        )
        let companyID = try #require(result["company"]?["company_id"]?.stringValue)
        let keyPrefix = try #require(result["company"]?["key_prefix"]?.stringValue)
        let ownerID = try #require(result["owner"]?["user_id"]?.stringValue)
        let keyID = try await accept(ownerID)
        return Company(
            id: companyID,
            keyPrefix: keyPrefix,
            owner: Caller(kind: .user, companyID: companyID, userID: ownerID, role: Role.owner.rawValue, keyID: keyID)
        )
    }

    /// Accepts the invitation of `userID`, as the gateway requires before it passes the user's calls on,
    /// and returns the new key's id.
    func accept(_ userID: String) async throws -> String {
        let token = try harness.invitationToken(for: userID)
        let accepted = try await harness.call("auth.acceptInvitation", ["token": .string(token)], as: nil)
        return try #require(accepted["key_id"]?.stringValue)
    }

    /// Invites a user with `role` and returns a caller acting as that user.
    func invite(_ company: Company, role: Role = .member) async throws -> Caller {
        let result = try await harness.call(
            "users.invite",
            [
                "company_id": .string(company.id),
                "email": .string("user-\(UInt32.random(in: 0...UInt32.max))@example.com"),
                "name": "Staff",
                "role": .string(role.rawValue),
            ],
            as: company.owner
        )
        let userID = try #require(result["user"]?["user_id"]?.stringValue)
        let keyID = try await accept(userID)
        return Caller(kind: .user, companyID: company.id, userID: userID, role: role.rawValue, keyID: keyID)
    }

    func deactivate(_ user: Caller, in company: Company) async throws {
        _ = try await harness.call(
            "users.deactivate",
            ["company_id": .string(company.id), "user_id": .string(user.userID ?? "")],
            as: company.owner
        )
    }

    /// Replaces members of the company's settings through `companies.configure`.
    func configure(_ company: Company, _ settings: JSONValue) async throws {
        _ = try await harness.call(
            "companies.configure",
            ["company_id": .string(company.id), "settings": settings],
            as: .root
        )
    }

    /// Creates an issue as the company's owner (or `caller`) with type Task unless `extra` sets another.
    @discardableResult
    func createIssue(
        _ company: Company,
        title: String = "An issue",
        extra: [String: JSONValue] = [:],
        as caller: Caller? = nil
    ) async throws -> JSONValue {
        var params: [String: JSONValue] = ["company_id": .string(company.id), "title": .string(title), "type": "Task"]
        params.merge(extra) { _, new in new }
        return try await harness.call("issues.create", .object(params), as: caller ?? company.owner)
    }

    func createTeam(_ company: Company, name: String) async throws -> String {
        let team = try await harness.call(
            "teams.create",
            ["company_id": .string(company.id), "name": .string(name)],
            as: company.owner
        )
        return try #require(team["team_id"]?.stringValue)
    }

    /// Published events of `topic`, oldest first.
    func events(_ topic: String) throws -> [MeshEvent] {
        try harness.published().filter { $0.topic == topic }
    }
}

/// Runs `body` and returns the RPCError it threw, or nil when it succeeded.
func rpcFailure(_ body: () async throws -> JSONValue) async -> RPCError? {
    do {
        _ = try await body()
        return nil
    } catch let error as RPCError {
        return error
    } catch {
        return RPCError(.internal, "unexpected error type: \(error)")
    }
}

@Suite("Workspace fixture")
struct IssueFixtureTests {
    @Test("provisioned company starts empty")
    func emptyCompany() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Fixture Check")

        let page = try await fixture.harness.call("issues.list", ["company_id": .string(company.id)], as: company.owner)
        let teams = try await fixture.harness.call("teams.list", ["company_id": .string(company.id)], as: company.owner)

        #expect(page["issues"] == [])
        #expect(page["next_cursor"] == nil)
        #expect(teams["teams"] == [])
        #expect(teams["count"] == 0)
    }
}

@Suite struct IssueJSONTests {
    @Test func directJSONMatchesEncoder() throws {
        let issue = Issue(
            id: "iss_1", companyID: "cmp_1", number: 7, key: "TECH-7", title: "Crash \"on\" save",
            description: "line\nbreak", type: "Bug", priority: "High", status: "Open", assigneeID: nil,
            teamID: "team_1", customFields: ["points": 3, "flag": true], createdAtMs: 1, updatedAtMs: 2,
            resolvedAtMs: nil
        )
        #expect(issue.json == (try JSONValue(encoding: issue)))
    }
}
