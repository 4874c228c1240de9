import Foundation
import MeshClient
import MeshProtocol
import MeshTesting
import Testing

/// A write applied before its company was suspended, or ran out of daily calls, still gets its stored
/// result when the client repeats its idempotency key, while anything new is refused.
@Suite(.serialized)
struct ReplayAfterRefusalTests {
    @Test func repeatedKeyOutlivesSuspensionAndRateLimit() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        let companyID = try await mesh.provision("Replay Co", email: "owner@replay.example")
        let owner = try await mesh.signIn("owner@replay.example")
        let issue: JSONValue = ["title": "Lost reply", "type": "Task"]

        let first = try await owner.call("issues.create", issue, idempotencyKey: "replay-1")
        #expect(first["issue_id"]?.stringValue != nil)

        _ = try await mesh.root.call("companies.suspend", ["company_id": .string(companyID), "reason": "test"])
        let replayed = try await mesh.eventually {
            try await owner.call("issues.create", issue, idempotencyKey: "replay-1")
        }
        #expect(replayed["issue_id"] == first["issue_id"])

        // A new key, or the same key with other params, is refused as any call of a suspended company is.
        let fresh = await CallOutcome.of(owner, "issues.create", issue, idempotencyKey: "replay-2")
        #expect(fresh.status == .failedPrecondition)
        #expect(fresh.error?.details?["reason"] == "company_suspended")
        let read = await CallOutcome.of(owner, "issues.list", [:], idempotencyKey: "replay-1")
        #expect(read.status == .failedPrecondition)

        // Out of daily calls, the same holds.
        _ = try await mesh.root.call("companies.reactivate", ["company_id": .string(companyID)])
        var limited: CallOutcome?
        for _ in 0..<1_100 {
            let outcome = await CallOutcome.of(owner, "companies.get", [:])
            if outcome.status == .resourceExhausted {
                limited = outcome
                break
            }
        }
        #expect(limited != nil, "the daily call limit was never reached")
        let afterLimit = try await owner.call("issues.create", issue, idempotencyKey: "replay-1")
        #expect(afterLimit["issue_id"] == first["issue_id"])
        let freshAfterLimit = await CallOutcome.of(owner, "issues.create", issue, idempotencyKey: "replay-3")
        #expect(freshAfterLimit.status == .resourceExhausted)

        let issues = try await mesh.root.call("issues.list", ["company_id": .string(companyID)])
        #expect(issues["issues"]?.arrayValue?.count == 1)
    }
}
