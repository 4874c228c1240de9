import Foundation
import MeshClient
import MeshProtocol
import MeshTesting
import Testing

/// Runs the real `mesh up` with five processes on real sockets in a temporary home.
@Suite(.serialized)
struct MeshLifecycleTests {
    @Test func provisioningReachesEveryService() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)

        let companyID = try await mesh.provision("Acme Rockets", email: "wile@acme.example", tier: "premium")

        let token = try await mesh.invitationToken(for: "wile@acme.example")
        #expect(token.hasPrefix("tmi_"))
        let mail = cluster.outboxFiles()
        #expect(mail.count == 1)

        let overview = try await mesh.eventually {
            let value = try await mesh.root.systemOverview()
            guard value["total_companies"]?.intValue == 1 else {
                throw RPCError(.unavailable, "analytics has not counted the company yet")
            }
            return value
        }
        #expect(overview["active_companies"]?.intValue == 1)

        let subscription = try await mesh.eventually { try await mesh.root.subscription(companyID: companyID) }
        #expect(subscription["tier"]?.stringValue == "premium")
        #expect(subscription["price_cents"]?.intValue == 5_000)

        cluster.stop()
        #expect(cluster.supervisorExitStatus == 0)
    }

    @Test func companyKeyCannotReadAnotherCompany() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        let first = try await mesh.provision("First Co", email: "one@first.example")
        let second = try await mesh.provision("Second Co", email: "two@second.example")

        let owner = try await mesh.signIn("one@first.example")
        let own = try await owner.company(first)
        #expect(own["company_id"]?.stringValue == first)

        await #expect(throws: RPCError.self) { try await owner.company(second) }
        do {
            _ = try await owner.company(second)
        } catch {
            #expect(error.status == .notFound)
        }
        do {
            _ = try await owner.call("users.list", ["company_id": .string(second)])
            Issue.record("listing another company's users succeeded")
        } catch {
            #expect(error.status == .notFound)
        }
    }

    @Test func suspendedCompanyIsRefused() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        let companyID = try await mesh.provision("Sleepy Inc", email: "boss@sleepy.example")
        let owner = try await mesh.signIn("boss@sleepy.example")
        _ = try await owner.company(companyID)

        _ = try await mesh.root.suspend(companyID: companyID, reason: "test")
        do {
            _ = try await owner.company(companyID)
            Issue.record("a suspended company's key was accepted")
        } catch {
            #expect(error.status == .failedPrecondition)
            #expect(error.message.contains("suspended"))
        }

        _ = try await mesh.root.reactivate(companyID: companyID)
        let again = try await owner.company(companyID)
        #expect(again["status"]?.stringValue == "active")
    }

    @Test func billingKilledDuringProvisioningBillsOnce() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        let oldPID = try #require(cluster.pid(of: "billing"))

        try cluster.kill9("billing")
        let companyID = try await mesh.provision(
            "Crash Test Ltd", email: "ops@crash.example", tier: "premium", key: "crash-1")
        // A retry with the same idempotency key must not create a second company.
        let retried = try await mesh.provision(
            "Crash Test Ltd", email: "ops@crash.example", tier: "premium", key: "crash-1")
        #expect(retried == companyID)

        try await cluster.waitForRestart("billing", oldPID: oldPID)
        let subscription = try await mesh.eventually { try await mesh.root.subscription(companyID: companyID) }
        #expect(subscription["tier"]?.stringValue == "premium")

        let overview = try await mesh.eventually {
            let value = try await mesh.root.call("billing.overview", [:])
            guard value["active_subscriptions"]?.intValue == 1 else {
                throw RPCError(.unavailable, "billing has not applied the event yet")
            }
            return value
        }
        #expect(overview["mrr_cents"]?.intValue == 5_000)
        #expect(cluster.log(of: "supervisor").contains("supervisor.process_restarted"))
    }
}

/// What happens to a mesh's processes when its supervisor is killed outright.
@Suite(.serialized)
struct SupervisorLossTests {
    @Test func processesStopWhenTheirSupervisorIsKilled() async throws {
        let cluster = try await MeshCluster()
        let children = ["tenancy", "billing", "analytics", "notification", "gateway"].compactMap { cluster.pid(of: $0) }
        #expect(children.count == 5)
        let supervisor = try #require(
            Int32(
                try String(contentsOfFile: cluster.home.runDirectory + "/supervisor.pid", encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)))

        kill(supervisor, SIGKILL)

        // Each process notices its supervisor is gone and shuts down on its own.
        let deadline = ContinuousClock.now + .seconds(20)
        var running = children
        while !running.isEmpty && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            running = running.filter { kill($0, 0) == 0 && !Self.isZombie($0) }
        }
        #expect(running.isEmpty, "still running after their supervisor was killed: \(running)")
    }

    /// A process that has exited but was not reaped yet still passes the kill(pid, 0) check.
    private static func isZombie(_ pid: Int32) -> Bool {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
    }
}
