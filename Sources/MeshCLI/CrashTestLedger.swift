import MeshProtocol
import Synchronization

/// The replies the clients of a crash test received: every acknowledged write, and how many calls failed.
///
/// A write enters the ledger only once the gateway returned a result for it. A call that failed
/// may or may not have been applied, so it is only counted, by method and status.
final class CrashTestLedger: Sendable {
    struct Company: Sendable, Hashable {
        let companyID: String
        let name: String
        let ownerEmail: String
    }

    struct User: Sendable, Hashable {
        let companyID: String
        let userID: String
        let email: String
    }

    struct Issue: Sendable, Hashable {
        let companyID: String
        let issueID: String
        let key: String
        let title: String
    }

    struct Contents: Sendable {
        var companies: [Company] = []
        var users: [User] = []
        var issues: [Issue] = []
        /// "method STATUS" to the number of calls that failed that way.
        var failures: [String: Int] = [:]
        /// Provisionings that had returned no result when their retries ran out.
        var abandonedProvisions = 0

        var acknowledgedWrites: Int { companies.count + users.count + issues.count }
    }

    private let contents = Mutex(Contents())

    func acknowledge(_ company: Company) {
        contents.withLock { $0.companies.append(company) }
    }

    func acknowledge(_ user: User) {
        contents.withLock { $0.users.append(user) }
    }

    func acknowledge(_ issue: Issue) {
        contents.withLock { $0.issues.append(issue) }
    }

    func recordFailure(_ method: String, _ error: RPCError) {
        let key = method + " " + error.status.name
        contents.withLock { $0.failures[key, default: 0] += 1 }
    }

    func recordAbandonedProvision() {
        contents.withLock { $0.abandonedProvisions += 1 }
    }

    var current: Contents {
        contents.withLock { $0 }
    }
}
