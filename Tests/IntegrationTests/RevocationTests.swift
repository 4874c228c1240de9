import Foundation
import MeshClient
import MeshProtocol
import MeshTesting
import Testing

/// A revoked key and the key of a deactivated user stop working at the gateway within a second, even
/// right after a call that put them in the gateway's cache of verified keys.
@Suite(.serialized)
struct RevocationTests {
    @Test func revokedKeysStopWithinASecond() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        _ = try await mesh.provision("Revoke Works", email: "owner@revoke.example", tier: "premium")
        let owner = try await mesh.signIn("owner@revoke.example")

        let created = try await owner.call("auth.createKey", ["name": "to be revoked"])
        let spare = mesh.root.with(apiKey: try #require(created["api_key"]?.stringValue))
        let spareID = try #require(created["key"]?["key_id"]?.stringValue)
        _ = try await spare.call("companies.get", [:])

        _ = try await owner.call("auth.revokeKey", ["key_id": .string(spareID)])
        let revoked = await RevocationTests.firstRejection(of: spare)
        #expect(revoked?.status == .unauthenticated, "a revoked key still works: \(String(describing: revoked))")

        let invited = try await owner.call(
            "users.invite", ["email": "member@revoke.example", "name": "Mem Ber", "role": "member"])
        let memberID = try #require(invited["user"]?["user_id"]?.stringValue)
        let member = try await mesh.signIn("member@revoke.example")
        _ = try await member.call("companies.get", [:])

        _ = try await owner.call("users.deactivate", ["user_id": .string(memberID)])
        let deactivated = await RevocationTests.firstRejection(of: member)
        #expect(
            deactivated?.status == .unauthenticated,
            "a deactivated user's key still works: \(String(describing: deactivated))")

        // The owner's own key is untouched by either change.
        _ = try await owner.call("companies.get", [:])
    }

    /// Calls with `client` every 50 ms for up to two seconds and returns the first error, or nil when
    /// every call succeeded.
    static func firstRejection(of client: MeshClient) async -> RPCError? {
        let deadline = ContinuousClock.now + .seconds(2)
        while ContinuousClock.now < deadline {
            if case .failure(let error) = await CallOutcome.of(client, "companies.get", [:]) {
                return error
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }
}
