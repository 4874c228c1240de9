import Foundation
import MeshClient
import MeshProtocol

/// One client of the crash test's write load.
///
/// In a seeded random order it provisions companies (root key), invites users and creates issues
/// (owner keys), until `isRunning` turns false, and records each acknowledged write in the ledger.
/// Provisioning carries an idempotency key and is retried with the same key until it returns a result,
/// so a write whose reply was lost in a crash is acknowledged by the retry. Invitations and issues have
/// no idempotency key, so a failed call is only counted: repeating it could apply it twice.
struct CrashTestWriter: Sendable {
    let index: Int
    let runTag: String
    let root: MeshClient
    let tenants: [CrashTestTenant]
    let ledger: CrashTestLedger
    let seed: CrashTestRandom
    let isRunning: @Sendable () -> Bool

    /// How long one call may take before the writer gives up on its reply.
    static let callTimeout: Duration = .seconds(10)
    /// How long a provisioning is retried with its idempotency key before it is left unacknowledged.
    static let provisionRetryLimit: Duration = .seconds(45)
    private static let tiers = ["basic", "premium", "platinum"]

    func run() async {
        var random = seed
        var step = 0
        while isRunning() {
            step += 1
            switch random.next() % 3 {
            case 0:
                await provision(step, tier: Self.tiers[Int(random.next() % 3)])
            case 1:
                await invite(step, into: tenants[Int(random.next() % UInt64(tenants.count))])
            default:
                await createIssue(step, in: tenants[Int(random.next() % UInt64(tenants.count))])
            }
        }
    }

    private func provision(_ step: Int, tier: String) async {
        let serial = "w\(index)-\(step)"
        let name = Self.letters(step * 16 + index) + " Works " + serial
        let email = "owner-\(serial)@crash.example"
        let key = "crashtest-\(runTag)-\(serial)"
        let params: JSONValue = [
            "name": .string(name), "admin_email": .string(email), "admin_name": .string("Owner \(serial)"),
            "tier": .string(tier),
        ]

        let giveUpAt = ContinuousClock.now + Self.provisionRetryLimit
        while true {
            do {
                let result = try await root.call(
                    "companies.provision", params, timeout: Self.callTimeout, idempotencyKey: key
                )
                guard let companyID = result["company"]?["company_id"]?.stringValue else {
                    ledger.recordFailure(
                        "companies.provision", RPCError(.internal, "the result has no company.company_id"))
                    return
                }
                ledger.acknowledge(CrashTestLedger.Company(companyID: companyID, name: name, ownerEmail: email))
                return
            } catch {
                ledger.recordFailure("companies.provision", error)
            }

            guard ContinuousClock.now < giveUpAt, !Task.isCancelled else {
                ledger.recordAbandonedProvision()
                return
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    private func invite(_ step: Int, into tenant: CrashTestTenant) async {
        let email = "user-w\(index)-\(step)@crash.example"
        let params: JSONValue = [
            "company_id": .string(tenant.companyID), "email": .string(email), "name": .string("User w\(index)-\(step)"),
            "role": "member",
        ]
        do {
            let result = try await tenant.owner.call("users.invite", params, timeout: Self.callTimeout)
            guard let userID = result["user"]?["user_id"]?.stringValue else {
                ledger.recordFailure("users.invite", RPCError(.internal, "the result has no user.user_id"))
                return
            }
            ledger.acknowledge(CrashTestLedger.User(companyID: tenant.companyID, userID: userID, email: email))
        } catch {
            ledger.recordFailure("users.invite", error)
            await pauseAfterFailure()
        }
    }

    private func createIssue(_ step: Int, in tenant: CrashTestTenant) async {
        let title = "Crash issue w\(index)-\(step)"
        let params: JSONValue = ["company_id": .string(tenant.companyID), "title": .string(title), "type": "Task"]
        do {
            let result = try await tenant.owner.call("issues.create", params, timeout: Self.callTimeout)
            guard let issueID = result["issue_id"]?.stringValue, let key = result["key"]?.stringValue else {
                ledger.recordFailure("issues.create", RPCError(.internal, "the result has no issue_id or key"))
                return
            }
            ledger.acknowledge(
                CrashTestLedger.Issue(companyID: tenant.companyID, issueID: issueID, key: key, title: title))
        } catch {
            ledger.recordFailure("issues.create", error)
            await pauseAfterFailure()
        }
    }

    /// Keeps a writer from spinning while a process restarts and every call fails at once.
    private func pauseAfterFailure() async {
        try? await Task.sleep(for: .milliseconds(50))
    }

    /// Four letters spelling `number` in base 26, so company names, and so their issue key prefixes,
    /// differ in their first letters.
    static func letters(_ number: Int) -> String {
        var value = number
        var text = ""
        for _ in 0..<4 {
            text.append(Character(UnicodeScalar(UInt8(65 + value % 26))))
            value /= 26
        }
        return text
    }
}
