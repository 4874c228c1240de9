import Foundation
import MeshClient
import MeshTesting
import Testing

/// The typed helpers pass the idempotency key of the writes they wrap, so a retried helper call
/// applies once.
@Suite struct TypedHelperTests {
    @Test func retriedHelpersApplyOnce() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        let companyID = try await mesh.provision("Helper Co", email: "owner@helper.example", tier: "premium")
        let owner = try await mesh.signIn("owner@helper.example")

        let first = try await owner.inviteUser(
            companyID: companyID, email: "dev@helper.example", name: "Dev", idempotencyKey: "invite-dev")
        let again = try await owner.inviteUser(
            companyID: companyID, email: "dev@helper.example", name: "Dev", idempotencyKey: "invite-dev")
        let suspended = try await mesh.root.suspend(
            companyID: companyID, reason: "test", reactivateAtMs: 4_102_444_800_000, idempotencyKey: "s-1")
        let suspendedAgain = try await mesh.root.suspend(
            companyID: companyID, reason: "test", reactivateAtMs: 4_102_444_800_000, idempotencyKey: "s-1")

        #expect(first == again)
        #expect(suspended == suspendedAgain)
        let scheduled = suspended["reactivate_at_ms"] ?? suspended["company"]?["reactivate_at_ms"]
        #expect(scheduled == 4_102_444_800_000, "\(suspended)")
    }

    @Test func traceIDReachesTheLogs() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)

        // A failed provisioning is logged, with the trace id the client sent.
        _ = try? await mesh.root.call(
            "companies.provision",
            ["name": "Traced", "admin_email": "a@traced.example", "admin_name": "A", "tier": "gold"],
            idempotencyKey: "traced-1", traceID: "trace-helper-1")

        let logged = try await mesh.eventually { () throws -> String in
            let log = cluster.log(of: "gateway")
            guard log.contains("trace=trace-helper-1") else {
                throw RPCError(.unavailable, "the gateway has not logged the call yet")
            }
            return log
        }
        #expect(logged.contains("provision.failed"))
    }

    @Test func ownerHelpersNeedNoCompanyID() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        let companyID = try await mesh.provision("Own Co", email: "owner@own.example", tier: "premium")
        let owner = try await mesh.signIn("owner@own.example")

        let company = try await owner.company()
        let invited = try await owner.inviteUser(email: "dev@own.example", name: "Dev", idempotencyKey: "dev")
        let subscription = try await owner.subscription()

        #expect(company["company_id"]?.stringValue == companyID, "\(company)")
        #expect(invited["user"]?["company_id"]?.stringValue == companyID, "\(invited)")
        #expect(subscription["company_id"]?.stringValue == companyID, "\(subscription)")

        // The report helper takes a window, and the mail log helper pages: welcome, then the invitation.
        let report = try await mesh.eventually { try await owner.companyReport(days: 3) }
        #expect(report["window"]?["days"] == 3, "\(report)")
        let first = try await mesh.eventually { () throws -> JSONValue in
            let page = try await owner.notifications(limit: 1)
            guard page["next_cursor"]?.stringValue != nil else {
                throw RPCError(.unavailable, "the invitation is not in the mail log yet")
            }
            return page
        }
        let cursor = try #require(first["next_cursor"]?.stringValue)
        let second = try await owner.notifications(limit: 1, cursor: cursor)
        #expect(first["messages"]?.arrayValue?.first?["kind"] == "invitation", "\(first)")
        #expect(second["messages"]?.arrayValue?.first?["kind"] == "welcome", "\(second)")
    }

    @Test func rootKeyIsReadFromHome() throws {
        let home = NSTemporaryDirectory() + "mesh-root-key-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }

        let missing = #expect(throws: RPCError.self) { try MeshClient.readRootKey(home: home) }
        try "tmk_root_example\n".write(toFile: home + "/root.key", atomically: true, encoding: .utf8)

        #expect(missing?.status == .unauthenticated)
        #expect(missing?.details?["path"]?.stringValue == home + "/root.key")
        #expect(try MeshClient.readRootKey(home: home) == "tmk_root_example")
    }
}
