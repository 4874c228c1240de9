import Billing
import Foundation
import Gateway
import Glibc
import MeshClient
import MeshProtocol
import MeshRuntime
import MeshTesting
import Tenancy
import Testing

/// A mesh whose billing process is not running: a gateway and tenancy served in-process on real
/// sockets in a temporary home, with no process at all behind `run/billing.sock`.
@Suite(.serialized)
struct UnavailableServiceTests {
    @Test func downServiceFailsFastThenCatchesUp() async throws {
        let home = MeshHome(root: "/tmp/us-" + String(UInt64.random(in: 0...UInt64.max), radix: 36))
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        let logs = LogSink.memory()
        let tenancy = try ServiceHost(
            Tenancy.self, home: home, logger: Logger(label: "tenancy", level: .error, sink: logs))
        try tenancy.start()
        defer { tenancy.stop() }
        let gateway = try ServiceHost(
            Gateway.self, home: home, logger: Logger(label: "gateway", level: .error, sink: logs))
        try gateway.start()
        defer { gateway.stop() }

        let rootKey = try String(contentsOfFile: home.rootKeyPath, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let root = try MeshClient(socketPath: home.socketPath("gateway"), apiKey: rootKey)

        // Calls that need only the gateway and tenancy keep working.
        let provisioned = try await root.provisionCompany(
            name: "Downtime Co", adminEmail: "ops@downtime.example", adminName: "Ops", tier: "premium",
            idempotencyKey: "downtime-co"
        )
        let companyID = try #require(provisioned["company"]?["company_id"]?.stringValue)
        #expect(try await root.company(companyID)["company_id"]?.stringValue == companyID)
        #expect(try await root.call("users.list", ["company_id": .string(companyID)])["users"]?.arrayValue?.count == 1)
        #expect(try await root.call("rpc.ping", ["service": "tenancy"]) == "pong")

        // Calls that need billing fail with UNAVAILABLE, retryable. Each carries a 20 s budget, so
        // had the gateway waited for billing instead of failing, the error would be DEADLINE_EXCEEDED.
        let needBilling: [(String, JSONValue)] = [
            ("billing.subscription", ["company_id": .string(companyID)]),
            ("billing.invoices", ["company_id": .string(companyID)]),
            ("companies.export", ["company_id": .string(companyID)]),
            ("rpc.ping", ["service": "billing"]),
        ]
        for (method, params) in needBilling {
            do {
                let result = try await root.call(method, params, timeout: .seconds(20))
                Issue.record("\(method) succeeded with billing down: \(JSONWriter.string(result))")
            } catch {
                #expect(error.status == .unavailable, "\(method): \(error.status.name) \(error.message)")
                #expect(error.retryable, "\(method): \(error.message)")
                #expect(
                    error.message.contains("billing"), "\(method) does not name the missing service: \(error.message)")
                if method == "billing.subscription" {
                    // The first call to billing is the gateway's first look at its methods.
                    #expect(error.details?["socket"]?.stringValue == home.socketPath("billing"), "\(error.message)")
                }
            }
        }

        // Billing starts: the company.provisioned event waiting in tenancy's outbox reaches it, and
        // the subscription appears without anyone repeating the provisioning.
        let billing = try ServiceHost(
            Billing.self, home: home, logger: Logger(label: "billing", level: .error, sink: logs))
        try billing.start()
        defer { billing.stop() }

        let subscription = try await Self.eventually {
            try await root.subscription(companyID: companyID)
        }
        #expect(subscription["tier"]?.stringValue == "premium")
        #expect(subscription["company_id"]?.stringValue == companyID)
    }

    /// Calls `body` until it stops throwing, for up to 30 seconds: the relay retries with a backoff
    /// of up to 5 s, and the gateway's client waits up to 1 s before it connects again.
    static func eventually<T>(_ body: () async throws -> T) async throws -> T {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            do {
                return try await body()
            } catch {
                if ContinuousClock.now > deadline {
                    throw error
                }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}

/// A key check that tenancy does not reply to in time is reported as a service that did not reply, not
/// as a deadline the caller could raise.
@Suite(.serialized)
struct KeyCheckTimeoutTests {
    @Test func pausedTenancyMakesTheKeyCheckUnavailable() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        _ = try await mesh.provision("Paused Co", email: "owner@paused.example")
        let owner = try await mesh.signIn("owner@paused.example")
        let fresh = owner.with(
            apiKey: try await owner.call("auth.createKey", ["name": "second"])["api_key"]?.stringValue)

        let tenancy = try #require(cluster.pid(of: "tenancy"))
        kill(tenancy, SIGSTOP)
        defer { kill(tenancy, SIGCONT) }
        let outcome = await CallOutcome.of(fresh, "billing.subscription", [:])

        #expect(outcome.status == .unavailable)
        #expect(outcome.error?.retryable == true)
        #expect(outcome.error?.message.contains("could not check the API key") == true)

        // Within a shorter budget the caller's deadline runs out first, and the error names where it did.
        let short = await #expect(throws: RPCError.self) {
            try await fresh.call("analytics.companyReport", [:], timeout: .milliseconds(800))
        }
        #expect(short?.status == .deadlineExceeded)
        #expect(short?.details?["service"] == "tenancy")
        #expect(
            short?.message.hasPrefix("the budget ran out while the gateway was checking the API key with tenancy")
                == true, "\(String(describing: short))")
    }
}
