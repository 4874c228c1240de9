import MeshProtocol
import MeshRuntime
import MeshStore
import Synchronization
import TenantModel

/// Counts the calls the gateway failed and publishes the counts as `gateway.failures`, once a second
/// when there are any, for the operator alert rules that notification applies.
///
/// Two counts are kept:
/// - failures: calls that failed with INTERNAL, UNAVAILABLE or DEADLINE_EXCEEDED, the statuses that
///   mean the mesh could not complete a call. A deadline counts only when the call had at least
///   `minimumCountedBudget`: a client that allows a few milliseconds learns nothing about the mesh's
///   health, and must not be able to page the operator. Client mistakes (bad params, unknown ids, missing permissions,
///   rate limits) are left out, because they reveal nothing about the mesh's health.
/// - provisioning failures: `companies.provision` calls that failed with any error but UNAUTHENTICATED,
///   PERMISSION_DENIED and the refusal of a suspended company's key.
///
/// NOTE: like the API call counters, counts not yet flushed are lost if the gateway is killed.
final class FailureTally: Sendable {
    static let countedStatuses: Set<String> = [
        RPCStatus.internal.name, RPCStatus.unavailable.name, RPCStatus.deadlineExceeded.name,
    ]

    private struct Counts {
        var failures: Int64 = 0
        var provisioningFailures: Int64 = 0
        var byStatus: [String: Int64] = [:]
        var sinceMs: Int64?

        var isEmpty: Bool {
            failures == 0 && provisioningFailures == 0
        }

        mutating func add(_ other: Counts) {
            failures += other.failures
            provisioningFailures += other.provisioningFailures
            byStatus.merge(other.byStatus, uniquingKeysWith: +)
            sinceMs = [sinceMs, other.sinceMs].compactMap { $0 }.min()
        }
    }

    private let store: Database
    private let clock: MeshClock
    private let counts = Mutex(Counts())

    init(store: Database, clock: MeshClock) {
        self.store = store
        self.clock = clock
    }

    /// The smallest budget whose running out counts as a failure.
    static let minimumCountedBudget: Duration = .seconds(1)

    /// Counts the failure of a call to `method` that ran with `budget` (nil for none) and ended at
    /// `deadline`, and returns whether it counted as a provisioning failure. A call the client cancelled
    /// is not a failure.
    @discardableResult
    func record(method: String, error: any Error, budget: Duration?, deadline: ContinuousClock.Instant?) -> Bool {
        let status = FailureTally.status(of: error, deadline: deadline)
        guard let status, status != .cancelled else {
            return false
        }
        if status == .deadlineExceeded, let budget, budget < FailureTally.minimumCountedBudget {
            return false
        }

        // A caller that may not provision at all did not make a provisioning fail, so it cannot page the
        // operator by trying.
        let counted = FailureTally.countedStatuses.contains(status.name)
        let suspendedCaller = (error as? RPCError)?.details?["reason"] == "company_suspended"
        let provisioning =
            method == "companies.provision" && status != .unauthenticated && status != .permissionDenied
            && !suspendedCaller
        guard counted || provisioning else {
            return false
        }

        let now = clock.nowMs()
        counts.withLock { counts in
            counts.sinceMs = counts.sinceMs ?? now
            if counted {
                counts.failures += 1
                counts.byStatus[status.name, default: 0] += 1
            }
            if provisioning {
                counts.provisioningFailures += 1
            }
        }
        return provisioning
    }

    /// Returns the status of the reply the client received. When the gateway's deadline timer fires, the
    /// client gets DEADLINE_EXCEEDED while the call itself only gets a cancellation.
    static func status(of error: any Error, deadline: ContinuousClock.Instant?) -> RPCStatus? {
        if let rpc = error as? RPCError {
            return rpc.status
        }
        guard error is CancellationError else {
            return .internal
        }
        guard let deadline, deadline <= .now else {
            return nil
        }
        return .deadlineExceeded
    }

    /// Publishes the counts gathered since the last flush; returns whether there were any.
    func flush() async throws -> Bool {
        let pending = counts.withLock { counts -> Counts in
            let pending = counts
            counts = Counts()
            return pending
        }
        guard !pending.isEmpty else {
            return false
        }

        let now = clock.nowMs()
        let payload: JSONValue = [
            "failures": .int(pending.failures),
            "provisioning_failures": .int(pending.provisioningFailures),
            "by_status": .object(pending.byStatus.mapValues { .int($0) }),
            "from_ms": .int(pending.sinceMs ?? now),
            "at_ms": .int(now),
        ]
        do {
            try await store.write { connection in
                _ = try connection.publish(EventTopic.gatewayFailures, payload, atMs: now)
            }
        } catch {
            // Put the counts back so the next flush publishes them.
            counts.withLock { $0.add(pending) }
            throw error
        }
        return true
    }
}
