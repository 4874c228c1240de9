import Foundation
import MeshClient
import MeshProtocol
import MeshRuntime
import MeshTransport
import Synchronization

/// One `mesh crashtest` run: starts a mesh, sets up test companies, runs the write load while
/// processes are killed, waits for the outboxes to drain, and checks every acknowledged write.
final class CrashTestRunner: Sendable {
    struct Settings: Sendable {
        var seconds: Int
        var crashes: Int
        var seed: UInt64
        var home: MeshHome
        var writers = 4
        var tenants = 3
    }

    let settings: Settings
    private let random: CrashTestRandom
    private let loop: EventLoop
    private let loadRunning = Atomic<Bool>(true)

    /// How long the subscribers get to catch up with tenancy after the load, and how long their figures
    /// may stand still before the test stops waiting.
    static let settleLimit: Duration = .seconds(60)
    static let stallLimit: Duration = .seconds(10)

    init(settings: Settings) throws {
        self.settings = settings
        random = CrashTestRandom(seed: settings.seed)
        loop = try EventLoop(name: "crashtest")
        loop.start()
    }

    deinit {
        loop.stop()
    }

    /// Runs the test and returns its report.
    ///
    /// Throws when the test cannot go on: the mesh does not start, a test company cannot be set up, or
    /// a killed process does not come back.
    func run() async throws -> CrashTestReport {
        let home = settings.home
        Terminal.print("== crash test in \(home.root) (seed \(settings.seed))")
        let mesh = try MeshProcess.startUp(home: home)
        defer { mesh.stop() }
        try await mesh.waitForGateway()

        let rootKey = try String(contentsOfFile: home.rootKeyPath, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let root = try MeshClient(socketPath: home.socketPath("gateway"), apiKey: rootKey)
        let tenants = try await setUpTenants(root)
        Terminal.print("== \(tenants.count) Platinum companies provisioned and their owners signed in")

        let ledger = CrashTestLedger()
        let crashes = try await runLoad(root: root, tenants: tenants, ledger: ledger)
        let written = ledger.current
        Terminal.print(
            "== load stopped: \(written.acknowledgedWrites) writes acknowledged (\(written.companies.count) companies, "
                + "\(written.users.count) users, \(written.issues.count) issues); unacknowledged calls: \(describe(written.failures))"
        )
        if written.abandonedProvisions > 0 {
            Terminal.print(
                "   \(written.abandonedProvisions) provisionings returned no result after \(CrashTestWriter.provisionRetryLimit) of retries"
            )
        }

        let snapshot = try await settle(root: root, tenantIDs: tenants.map(\.companyID))
        Terminal.print(
            "== verifying \(snapshot.companies.count) companies, their subscriptions, analytics and \(snapshot.mail.fileCount) messages"
        )
        let verifier = CrashTestVerifier(
            ledger: written,
            snapshot: snapshot,
            withoutSubscription: try await companiesWithoutSubscription(snapshot, root: root),
            ownerEmails: try await ownerEmails(snapshot, ledger: written, tenants: tenants, root: root),
            crashes: crashes.count
        )
        return verifier.verify()
    }

    // MARK: Setup

    /// Provisions the test companies on Platinum (no user or issue limits) and accepts their owners'
    /// invitations with the tokens from the welcome messages.
    private func setUpTenants(_ root: MeshClient) async throws -> [CrashTestTenant] {
        var tenants: [CrashTestTenant] = []
        for index in 0..<settings.tenants {
            let name = CrashTestWriter.letters(index + 7) + " Tenant \(index)"
            let email = "owner-t\(index)@tenant.example"
            let result = try await root.provisionCompany(
                name: name, adminEmail: email, adminName: "Tenant Owner \(index)", tier: "platinum",
                idempotencyKey: "crashtest-tenant-\(index)"
            )
            guard let companyID = result["company"]?["company_id"]?.stringValue else {
                throw RuntimeFailure(
                    "provisioning test company '\(name)' returned no company id: \(JSONWriter.string(result))")
            }

            let token = try await invitationToken(for: email)
            let accepted = try await root.with(apiKey: nil).acceptInvitation(token: token)
            guard let key = accepted["api_key"]?.stringValue else {
                throw RuntimeFailure("accepting the invitation of \(email) returned no api_key")
            }
            tenants.append(
                CrashTestTenant(companyID: companyID, name: name, ownerEmail: email, owner: root.with(apiKey: key)))
        }
        return tenants
    }

    /// Returns the invitation token in the message addressed to `email`, waiting until notification wrote it.
    private func invitationToken(for email: String) async throws -> String {
        let directory = settings.home.outboxDirectory
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            for file in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            where file.hasSuffix(".eml") {
                let text = (try? String(contentsOfFile: directory + "/" + file, encoding: .utf8)) ?? ""
                if CrashTestOutbox.recipient(in: text) == email,
                    let range = text.range(of: #"tmi_[0-9a-f]{32}"#, options: .regularExpression)
                {
                    return String(text[range])
                }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw RuntimeFailure(
            "no welcome message to \(email) appeared in \(directory) within 20 s; see \(settings.home.logDirectory)")
    }

    // MARK: Load and crashes

    /// Runs the writers until the time is up and every crash is over; returns the crashes.
    private func runLoad(root: MeshClient, tenants: [CrashTestTenant], ledger: CrashTestLedger) async throws
        -> [CrashTestChaos.Crash]
    {
        Terminal.print(
            "== load: \(settings.writers) writers for \(settings.seconds) s, \(settings.crashes) "
                + "\(settings.crashes == 1 ? "process" : "processes") killed with SIGKILL"
        )
        let start = ContinuousClock.now
        let end = start + .seconds(settings.seconds)
        let chaos = CrashTestChaos(
            home: settings.home,
            loop: loop,
            crashes: settings.crashes,
            slot: .seconds(settings.seconds) / max(settings.crashes, 1),
            seed: random.derived(UInt64(settings.writers) + 1)
        )

        return try await withThrowingTaskGroup(of: [CrashTestChaos.Crash].self) { group in
            for index in 0..<settings.writers {
                let writer = CrashTestWriter(
                    index: index,
                    runTag: String(settings.seed, radix: 36),
                    root: root,
                    tenants: tenants,
                    ledger: ledger,
                    seed: random.derived(UInt64(index)),
                    isRunning: { [self] in loadRunning.load(ordering: .acquiring) }
                )
                group.addTask {
                    await writer.run()
                    return []
                }
            }
            group.addTask { [self] in
                // The load stops only when the time is up and the last killed process is back.
                defer { loadRunning.store(false, ordering: .releasing) }
                let crashes = try await chaos.run(from: start) { crash in
                    Terminal.print(
                        String(
                            format: "   crash at %.1f s: kill -9 %@ (pid %d); serving again as pid %d after %.1f s",
                            crash.atSeconds, crash.process, crash.oldPID, crash.newPID, crash.downSeconds
                        )
                    )
                }
                if end > .now {
                    try await Task.sleep(until: end)
                }
                return crashes
            }

            var crashes: [CrashTestChaos.Crash] = []
            for try await finished in group {
                crashes += finished
            }
            return crashes
        }
    }

    // MARK: Settling

    /// Reads snapshots until billing, analytics and notification agree with tenancy, or their figures
    /// stop moving, or `settleLimit` passes; returns the last snapshot.
    private func settle(root: MeshClient, tenantIDs: [String]) async throws -> CrashTestSnapshot {
        Terminal.print("== waiting for billing, analytics and notification to catch up with tenancy")
        let outbox = CrashTestOutbox(directory: settings.home.outboxDirectory)
        let start = ContinuousClock.now
        var lastProgress: [Int64] = []
        var unchangedSince = start

        while true {
            let snapshot: CrashTestSnapshot
            do {
                snapshot = try await CrashTestSnapshot.load(root: root, tenantIDs: tenantIDs, outbox: outbox)
            } catch {
                guard ContinuousClock.now - start < Self.settleLimit else {
                    throw RuntimeFailure("could not read the mesh's state after the load: \(error.message)")
                }
                try await Task.sleep(for: .milliseconds(250))
                continue
            }

            let now = ContinuousClock.now
            if snapshot.isSettled {
                Terminal.print(String(format: "   caught up after %.1f s", Double((now - start).milliseconds) / 1000))
                return snapshot
            }
            if snapshot.progress != lastProgress {
                lastProgress = snapshot.progress
                unchangedSince = now
            } else if now - unchangedSince > Self.stallLimit || now - start > Self.settleLimit {
                Terminal.print(
                    "   the subscribers do not agree with tenancy and stopped changing; checking what differs")
                return snapshot
            }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    // MARK: Verification reads

    /// Returns the companies in tenancy for which `billing.subscription` fails with NOT_FOUND.
    private func companiesWithoutSubscription(_ snapshot: CrashTestSnapshot, root: MeshClient) async throws -> Set<
        String
    > {
        let ids = Set(snapshot.companies.map(\.companyID)).sorted()
        var missing: Set<String> = []
        // A bounded number of calls in flight at a time keeps the check from competing with itself.
        for batch in stride(from: 0, to: ids.count, by: 32).map({ Array(ids[$0..<min($0 + 32, ids.count)]) }) {
            try await withThrowingTaskGroup(of: String?.self) { group in
                for companyID in batch {
                    group.addTask {
                        do {
                            _ = try await root.subscription(companyID: companyID)
                            return nil
                        } catch let error as RPCError where error.status == .notFound {
                            return companyID
                        }
                    }
                }
                for try await result in group {
                    if let result {
                        missing.insert(result)
                    }
                }
            }
        }
        return missing
    }

    /// Returns the owner's address of every company in tenancy: from the ledger and the test companies when
    /// known, else from `users.list` (companies provisioned by a call whose reply was lost).
    private func ownerEmails(
        _ snapshot: CrashTestSnapshot,
        ledger: CrashTestLedger.Contents,
        tenants: [CrashTestTenant],
        root: MeshClient
    ) async throws -> [String: String] {
        var owners: [String: String] = [:]
        for company in ledger.companies {
            owners[company.companyID] = company.ownerEmail
        }
        for tenant in tenants {
            owners[tenant.companyID] = tenant.ownerEmail
        }
        for company in snapshot.companies where owners[company.companyID] == nil {
            let users = try await CrashTestSnapshot.users(of: company.companyID, root: root)
            owners[company.companyID] = users.first { $0.role == "owner" }?.email
        }
        return owners
    }

    private func describe(_ failures: [String: Int]) -> String {
        guard !failures.isEmpty else {
            return "none"
        }
        return failures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
}
