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

    /// Starts a mesh that relays to `sink`, provisions a Platinum company and invites 20 users, then waits
    /// until its 21 emails are recorded while the relay holds back its reply to the fifth.
    func queueMailBehindTheFifth(_ sink: SMTPSink) async throws -> (
        cluster: MeshCluster, mesh: MeshFixture, companyID: String
    ) {
        let cluster = try await MeshCluster(variables: ["MESH_SMTP_URL": sink.url])
        let mesh = try MeshFixture(cluster: cluster)
        let companyID = try await mesh.provision("Relay Queue", email: "owner@queue.example", tier: "platinum")
        let owner = try await mesh.signIn("owner@queue.example")
        for index in 1...20 {
            _ = try await owner.call(
                "users.invite",
                ["email": .string("user\(index)@queue.example"), "name": "Queued User", "role": "member"]
            )
        }

        try await sink.gate.waitUntilHolding()
        _ = try await mesh.eventually {
            let count = try await messages(mesh, companyID).count
            guard count == 21 else {
                throw RPCError(.unavailable, "notification has recorded \(count) of the 21 emails")
            }
            return count
        }
        return (cluster, mesh, companyID)
    }

    func messages(_ mesh: MeshFixture, _ companyID: String) async throws -> [JSONValue] {
        let listed = try await mesh.root.call("notifications.list", ["company_id": .string(companyID)])
        return listed["messages"]?.arrayValue ?? []
    }

    /// Waits until no message of the company is still waiting for an attempt, and returns them all.
    func settledMessages(_ mesh: MeshFixture, _ companyID: String) async throws -> [JSONValue] {
        try await mesh.eventually(timeout: .seconds(60)) {
            let all = try await messages(mesh, companyID)
            let waiting = all.filter { $0["status"] == "pending" || $0["status"] == "failed" }.count
            guard waiting == 0 else {
                throw RPCError(.unavailable, "\(waiting) emails still wait for the relay")
            }
            return all
        }
    }

    @Test func stoppedProcessSendsEveryMailOnce() async throws {
        let sink = try SMTPSink(gate: ReplyGate(holding: 5))
        defer { sink.stop() }
        let (cluster, mesh, companyID) = try await queueMailBehindTheFifth(sink)

        // SIGTERM while the fifth email waits for the relay's reply: the reply comes once the stop began.
        let pid = try #require(cluster.pid(of: "notification"))
        kill(pid, SIGTERM)
        _ = try await mesh.eventually {
            guard cluster.log(of: "notification").contains("service.stopping") else {
                throw RPCError(.unavailable, "notification has not begun to stop")
            }
            return true
        }
        sink.gate.release()
        try await cluster.waitForRestart("notification", oldPID: pid)

        let messages = try await settledMessages(mesh, companyID)
        #expect(messages.filter { $0["status"] == "sent" }.count == 21)
        let relayed = sink.messages.compactMap(\.messageID)
        #expect(relayed.count == 21)
        #expect(Set(relayed) == Set(messages.compactMap { $0["message_id"]?.stringValue }))
        #expect(!cluster.log(of: "notification").contains("mail.attempt_cut_off"))
    }

    @Test func killedProcessLeavesOneMailUncertain() async throws {
        let sink = try SMTPSink(gate: ReplyGate(holding: 5))
        defer { sink.stop() }
        let (cluster, mesh, companyID) = try await queueMailBehindTheFifth(sink)

        // SIGKILL while the relay has the fifth email and has not replied: only that one is uncertain.
        let pid = try #require(cluster.pid(of: "notification"))
        try cluster.kill9("notification")
        sink.gate.release()
        try await cluster.waitForRestart("notification", oldPID: pid)

        let messages = try await settledMessages(mesh, companyID)
        let dead = messages.filter { $0["status"] == "dead" }
        #expect(dead.count == 1)
        #expect(dead.first?["last_error"]?.stringValue?.contains("attempt 1 was cut off") == true)
        #expect(messages.filter { $0["status"] == "sent" }.count == 20)
        let relayed = sink.messages.compactMap(\.messageID)
        #expect(relayed.count == 21)
        #expect(dead.first?["message_id"]?.stringValue == relayed.dropFirst(4).first)
        #expect(Set(relayed) == Set(messages.compactMap { $0["message_id"]?.stringValue }))
    }
}
