import Foundation
import MeshProtocol
import MeshRuntime
import MeshStore
import MeshTesting
import Testing

@testable import Gateway

/// Checks which calls the gateway counts as failed for the operator alert rules.
@Suite struct FailureTallyTests {
    /// Returns a tally on a fresh gateway store, and a function that reads what it published.
    func tally() throws -> (FailureTally, () throws -> [JSONValue]) {
        let scratch = try TemporaryHome("tally")
        let home = scratch.home
        let store = try Database(path: home.databasePath("gateway"), migrations: Gateway.migrations)
        let published = {
            // The closure keeps the home until the test's last read of the outbox.
            _ = scratch
            return try store.readSync { connection in
                try connection.query("SELECT payload FROM outbox WHERE topic = 'gateway.failures' ORDER BY seq")
                    .map { try JSONParser.parse(try $0.requireString("payload")) }
            }
        }
        return (FailureTally(store: store, clock: home.clock()), published)
    }

    @Test func deadlineOfADefaultBudgetCounts() async throws {
        let (tally, published) = try tally()

        tally.record(
            method: "billing.overview", error: CancellationError(), budget: .seconds(30),
            deadline: .now - .milliseconds(1)
        )
        _ = try await tally.flush()

        let payload = try #require(try published().first)
        #expect(payload["failures"] == 1)
        #expect(payload["by_status"]?["DEADLINE_EXCEEDED"] == 1)
    }

    @Test func deadlineOfATinyBudgetDoesNotCount() async throws {
        let (tally, published) = try tally()
        let expired = RPCError(.deadlineExceeded, "companies.export did not finish within its deadline")

        for _ in 0..<20 {
            tally.record(method: "companies.export", error: expired, budget: .milliseconds(1), deadline: .now)
        }

        #expect(try await tally.flush() == false)
        #expect(try published().isEmpty)
    }

    @Test func clientMistakesAndCancelsDoNotCount() async throws {
        let (tally, published) = try tally()

        tally.record(method: "issues.get", error: RPCError.notFound("issue", "iss_1"), budget: nil, deadline: nil)
        tally.record(
            method: "issues.get", error: CancellationError(), budget: .seconds(30), deadline: .now + .seconds(29))
        tally.record(method: "issues.get", error: RPCError(.cancelled, "cancelled"), budget: nil, deadline: nil)

        #expect(try await tally.flush() == false)
        #expect(try published().isEmpty)
    }

    @Test func provisioningErrorsOfAllowedCallersCount() async throws {
        let (tally, published) = try tally()

        tally.record(
            method: "companies.provision", error: RPCError(.invalidArgument, "tier 'gold' is not a tier"), budget: nil,
            deadline: nil
        )
        tally.record(
            method: "companies.provision", error: RPCError(.unauthenticated, "unknown API key"), budget: nil,
            deadline: nil)
        tally.record(
            method: "companies.provision", error: RPCError(.permissionDenied, "root only"), budget: nil, deadline: nil)
        tally.record(
            method: "companies.provision",
            error: RPCError(.failedPrecondition, "company is suspended", details: ["reason": "company_suspended"]),
            budget: nil, deadline: nil)
        tally.record(
            method: "companies.get", error: RPCError(.unavailable, "tenancy is down"), budget: nil, deadline: nil)
        _ = try await tally.flush()

        let payload = try #require(try published().first)
        #expect(payload["provisioning_failures"] == 1)
        #expect(payload["failures"] == 1)
        #expect(payload["by_status"]?["UNAVAILABLE"] == 1)
    }
}
