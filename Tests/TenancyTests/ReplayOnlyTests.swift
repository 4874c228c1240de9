import MeshProtocol
import MeshRuntime
import TenantModel
import Testing

@testable import Tenancy

/// A replay-only call (the gateway's retry of a key for a company it refuses now) returns a stored result
/// and otherwise changes nothing.
@Suite("Replay-only calls")
struct ReplayOnlyTests {
    @Test func listMatchesTheMethodsThatStoreResults() throws {
        let harness = try TenancyHarness()

        let storing = harness.parts.methods.descriptors.filter {
            $0.summary.contains("idempotent by meta.idempotency_key") && $0.name != "companies.provision"
        }

        // companies.provision stores results too, but only root calls it, and root is never refused.
        #expect(Set(storing.map(\.name)) == IdempotentMethods.all)
    }

    @Test func replayReturnsStoredResultOnly() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Replay Only Co")
        var replaying = company.owner
        replaying.replayOnly = true
        let params: JSONValue = ["company_id": .string(company.id), "name": "Platform"]

        let first = try await fixture.harness.call("teams.create", params, as: company.owner, idempotencyKey: "k-1")
        let replayed = try await fixture.harness.call("teams.create", params, as: replaying, idempotencyKey: "k-1")
        #expect(replayed == first)

        // A stored key with other params has no stored result for them either.
        let otherParams: JSONValue = ["company_id": .string(company.id), "name": "Other"]
        let listParams: JSONValue = ["company_id": .string(company.id)]
        for (method, key, arguments) in [
            ("teams.create", "k-2", params), ("teams.list", "k-1", listParams), ("teams.create", "k-1", otherParams),
        ] {
            do {
                _ = try await fixture.harness.call(method, arguments, as: replaying, idempotencyKey: key)
                Issue.record("\(method) ran for a replay-only caller without a stored result")
            } catch {
                #expect(error.details?["reason"] == "no_stored_result")
            }
        }
        let teams = try await fixture.harness.call("teams.list", ["company_id": .string(company.id)], as: company.owner)
        #expect(teams["teams"]?.arrayValue?.count == 1)
    }
}
