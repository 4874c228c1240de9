import MeshProtocol
import MeshRuntime
import TenantModel
import Testing

@testable import Tenancy

@Suite("Issue creation with an idempotency key")
struct IssueIdempotencyTests {
    private func create(
        _ fixture: WorkspaceFixture,
        _ company: WorkspaceFixture.Company,
        title: String = "Retry me",
        key: String?
    ) async throws -> JSONValue {
        try await fixture.harness.call(
            "issues.create",
            ["company_id": .string(company.id), "title": .string(title), "type": "Task"],
            as: company.owner,
            idempotencyKey: key
        )
    }

    private func issueCount(_ fixture: WorkspaceFixture, _ company: WorkspaceFixture.Company) throws -> Int64 {
        try fixture.harness.store.readSync { connection in
            try connection.scalarInt("SELECT count(*) FROM issues WHERE company_id = ?", [.text(company.id)]) ?? 0
        }
    }

    @Test func retryReturnsFirstIssue() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Retry Co")

        let first = try await create(fixture, company, key: "create-1")
        let second = try await create(fixture, company, key: "create-1")

        #expect(second == first)
        #expect(try issueCount(fixture, company) == 1)
        #expect(try fixture.events(EventTopic.issueCreated).count == 1)
    }

    @Test func newKeyCreatesAnother() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Two Keys Co")

        let first = try await create(fixture, company, key: "a")
        let second = try await create(fixture, company, key: "b")

        #expect(first["issue_id"] != second["issue_id"])
        #expect(second["number"] == 2)
    }

    @Test func keyWithOtherParamsIsRejected() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Changed Co")
        _ = try await create(fixture, company, title: "First title", key: "k")

        let error = await rpcFailure { try await create(fixture, company, title: "Other title", key: "k") }

        #expect(error?.status == .alreadyExists)
        #expect(error?.message.contains("idempotency key 'k'") == true)
        #expect(try issueCount(fixture, company) == 1)
    }

    @Test func sameKeyInTwoCompaniesIsIndependent() async throws {
        let fixture = try WorkspaceFixture()
        let acme = try await fixture.provision("Acme Co")
        let globex = try await fixture.provision("Globex Co")

        let first = try await create(fixture, acme, key: "shared")
        let second = try await create(fixture, globex, key: "shared")

        #expect(first["company_id"] == .string(acme.id))
        #expect(second["company_id"] == .string(globex.id))
        #expect(second["issue_id"] != first["issue_id"])
    }

    @Test func invalidKeyIsRejected() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Long Key Co")

        let error = await rpcFailure { try await create(fixture, company, key: String(repeating: "k", count: 201)) }

        #expect(error?.status == .invalidArgument)
        #expect(error?.message.contains("meta.idempotency_key") == true)
    }
}
