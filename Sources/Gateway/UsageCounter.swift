import Foundation
import MeshProtocol
import MeshRuntime
import MeshStore
import Synchronization

/// Counts API calls per company per UTC day of the mesh clock.
///
/// Counts live in memory for speed and are written to the gateway's store, and published to analytics
/// as `usage.api_calls`, once a second. NOTE: a gateway killed between two flushes forgets at most
/// the last second of counted calls; the limit is then enforced from the last flushed figure.
final class UsageCounter: Sendable {
    static let topic = "usage.api_calls"

    private struct Key: Hashable {
        let companyID: String
        let day: String
    }

    private struct State {
        var counts: [Key: Int64] = [:]
        var dirty: Set<Key> = []
    }

    private let store: Database
    private let clock: MeshClock
    private let logger: Logger
    private let state = Mutex(State())

    init(store: Database, clock: MeshClock, logger: Logger) throws {
        self.store = store
        self.clock = clock
        self.logger = logger

        let rows = try store.readSync { connection in
            try connection.query("SELECT company_id, day, calls FROM api_usage")
        }
        state.withLock { state in
            for row in rows {
                guard let company = row.string("company_id"), let day = row.string("day") else {
                    continue
                }
                state.counts[Key(companyID: company, day: day)] = row.int("calls") ?? 0
            }
        }
    }

    /// Counts one call for `companyID` unless it would pass `limit`; returns the error to send when it would.
    func admit(companyID: String, limit: Int?) -> RPCError? {
        let now = clock.nowMs()
        let key = Key(companyID: companyID, day: UsageCounter.day(of: now))
        return state.withLock { state -> RPCError? in
            let current = state.counts[key, default: 0]
            if let limit, current >= Int64(limit) {
                let retryAfter = UsageCounter.millisecondsUntilNextDay(from: now)
                return RPCError(
                    .resourceExhausted,
                    "rate limited: company \(companyID) used all \(limit) API calls of its tier for \(key.day) (UTC); "
                        + "calls resume at the next UTC midnight or after an upgrade",
                    details: [
                        "reason": "rate_limited",
                        "limit": .int(Int64(limit)),
                        "used": .int(current),
                        "retry_after_seconds": .int(retryAfter / 1000),
                    ],
                    retryAfterMs: retryAfter,
                    retryable: true
                )
            }
            state.counts[key] = current + 1
            state.dirty.insert(key)
            return nil
        }
    }

    /// Calls counted today for `companyID`.
    func today(companyID: String) -> Int64 {
        let key = Key(companyID: companyID, day: UsageCounter.day(of: clock.nowMs()))
        return state.withLock { $0.counts[key, default: 0] }
    }

    /// Writes changed counters and publishes them once a second until cancelled.
    func flushLoop(afterPublish: @escaping @Sendable () -> Void) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            do {
                if try await flush() {
                    afterPublish()
                }
            } catch {
                logger.error("usage.flush_failed", ["error": "\(error)"])
            }
        }
    }

    /// Writes the changed counters; returns whether anything was written.
    func flush() async throws -> Bool {
        let changed = state.withLock { state -> [(Key, Int64)] in
            let keys = state.dirty
            state.dirty.removeAll()
            return keys.map { ($0, state.counts[$0, default: 0]) }
        }
        guard !changed.isEmpty else {
            return false
        }

        let now = clock.nowMs()
        do {
            try await store.write { connection in
                for (key, calls) in changed {
                    try connection.execute(
                        """
                        INSERT INTO api_usage (company_id, day, calls) VALUES (?, ?, ?)
                        ON CONFLICT (company_id, day) DO UPDATE SET calls = max(calls, excluded.calls)
                        """,
                        [.text(key.companyID), .text(key.day), .integer(calls)]
                    )
                    try connection.publish(
                        UsageCounter.topic,
                        ["company_id": .string(key.companyID), "day": .string(key.day), "calls": .int(calls), "at_ms": .int(now)],
                        atMs: now
                    )
                }
            }
        } catch {
            // Keep the keys dirty so the next flush writes them.
            state.withLock { state in
                for (key, _) in changed {
                    state.dirty.insert(key)
                }
            }
            throw error
        }
        return true
    }

    static func day(of milliseconds: Int64) -> String {
        UTCTime.day(ofMilliseconds: milliseconds)
    }

    static func millisecondsUntilNextDay(from milliseconds: Int64) -> Int64 {
        86_400_000 - (milliseconds % 86_400_000)
    }
}
