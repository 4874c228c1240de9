import Foundation
import MeshClient
import MeshProtocol
import MeshTesting
import Testing

/// With `MESH_SMTP_URL` set, a real mesh hands its emails to the SMTP relay and still keeps each `.eml`.
@Suite(.serialized)
struct MailRelayWiringTests {
    @Test func welcomeMailReachesTheRelay() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let cluster = try await MeshCluster(variables: ["MESH_SMTP_URL": sink.url])
        let mesh = try MeshFixture(cluster: cluster)
        let companyID = try await mesh.provision("Relay Works", email: "owner@relay.example")

        let received = try await mesh.eventually {
            guard let message = sink.messages.first else {
                throw RPCError(.unavailable, "the relay has received nothing yet")
            }
            return message
        }
        #expect(received.recipients == ["owner@relay.example"])
        #expect(received.data.contains("Subject: Welcome to TenantMesh: activate Relay Works"))
        #expect(cluster.outboxFiles().count == 1)

        let owner = try await mesh.signIn("owner@relay.example")
        let listed = try await owner.call("notifications.list", ["company_id": .string(companyID)])
        #expect(listed["messages"]?.arrayValue?.first?["status"] == "sent")
        #expect(sink.messages.count == 1)
    }
}
