import Foundation
import MeshProtocol
import MeshTesting
import Testing

/// An outbox folder notification cannot write stops every notice, and health reports it until it can.
@Suite(.serialized)
struct OutboxHealthTests {
    @Test func unwritableOutboxShowsInHealthUntilItRecovers() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        let outbox = cluster.home.outboxDirectory
        guard ImmutableAttribute.set(outbox) else {
            try Test.cancel("skipped: the immutable attribute is not available here, and root can write any folder")
        }
        defer { ImmutableAttribute.clear(outbox) }
        let socket = cluster.home.socketPath("notification")

        _ = try await mesh.provision("Held Mail", email: "owner@held.example")
        let failing = try await mesh.eventually {
            let report = try await MeshProbe.healthReport(socket)
            guard report["status"] == "NOT_SERVING" else {
                throw RPCError(.unavailable, "notification still reports \(JSONWriter.string(report))")
            }
            return report
        }
        #expect(failing["store"]?["state"] == "ok")
        #expect(failing["outbox"]?["state"] == "error")
        #expect(failing["outbox"]?["detail"]?.stringValue?.contains("writing an email into the outbox failed") == true)

        ImmutableAttribute.clear(outbox)
        try await mesh.eventually {
            let report = try await MeshProbe.healthReport(socket)
            guard report["status"] == "SERVING", report["outbox"]?["state"] == "ok", cluster.outboxFiles().count == 1
            else {
                throw RPCError(.unavailable, "notification reports \(JSONWriter.string(report))")
            }
        }
    }
}
