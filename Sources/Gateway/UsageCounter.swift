import Foundation
import MeshProtocol
import MeshRuntime
import MeshStore
import Synchronization
import TenantModel

/// Counts API calls per company per UTC day of the mesh clock.
///
/// Counts live in memory for speed and are written to the gateway's store, and published to analytics
/// as `usage.api_calls`, once a second. Memory keeps only the current day's counts (and counts not yet
/// written), so it does not grow with the days a mesh has run. The call that takes a company across 80%
/// or 100% of its daily limit also queues a `usage.threshold_reached` event, published with that count.
///
/// A company that makes 5% of its daily limit in calls since the last flush requests an early one.
/// A gateway killed between two flushes then loses at most that share of a limited company's calls,
/// however fast they come.
///
/// NOTE: a gateway killed between two flushes loses the calls counted since the last one, and their
/// warnings. After a restart the limit is enforced from the last flushed figure.
final class UsageCounter: Sendable {
    static let topic = "usage.api_calls"

    private struct Key: Hashable {
        let companyID: String
        let day: String
    }

    private struct State {
        /// The UTC day whose counts `counts` contains, besides the keys still dirty.
        var day: String
        var counts: [Key: Int64] = [:]
        var dirty: Set<Key> = []
        /// `usage.threshold_reached` payloads waiting for the next flush.
        var warnings: [JSONValue] = []
        /// Calls of limited companies counted since the last flush.
        var unflushed: [Key: Int64] = [:]
        /// Set when a company's unflushed calls reached 5% of its limit.
        var flushRequested = false
    }

    /// Woken when a company's unflushed calls reach 5% of its limit.
    let wake = FlushWake()
    private let store: Database
    private let clock: MeshClock
    private let logger: Logger
    private let state: Mutex<State>

    init(store: Database, clock: MeshClock, logger: Logger) throws {
        self.store = store
        self.clock = clock
        self.logger = logger

        let day = UsageCounter.day(of: clock.nowMs())
        var state = State(day: day)
        for (company, calls) in try Self.storedCounts(of: day, in: store) {
            state.counts[Key(companyID: company, day: day)] = calls
        }
        self.state = Mutex(state)
    }

    /// Reads the counts the store has for `day`, by company.
    private static func storedCounts(of day: String, in store: Database) throws -> [String: Int64] {
        let rows = try store.readSync { connection in
            try connection.query("SELECT company_id, calls FROM api_usage WHERE day = ?", [.text(day)])
        }

        var counts: [String: Int64] = [:]
        for row in rows {
            if let company = row.string("company_id") {
                counts[company] = row.int("calls") ?? 0
            }
        }
        return counts
    }

    /// Makes `day` the day in memory when the clock has moved to another one, reading that day's stored
    /// counts: none for a new day, the earlier counts when a test clock went back or a restart came
    /// mid-day. Counts of other days stay only until a flush writes them.
    private func enter(_ day: String) {
        guard state.withLock({ $0.day != day }) else {
            return
        }

        // A failed read leaves the day's counts at what memory has, as a new day would start.
        var stored: [String: Int64] = [:]
        do {
            stored = try Self.storedCounts(of: day, in: store)
        } catch {
            logger.warning("usage.read_failed", ["day": day, "error": "\(error)"])
        }
        state.withLock { state in
            guard state.day != day else {
                return
            }
            state.day = day
            state.counts = state.counts.filter { state.dirty.contains($0.key) }
            for (company, calls) in stored {
                let key = Key(companyID: company, day: day)
                state.counts[key] = max(calls, state.counts[key, default: 0])
            }
        }
    }

    /// Counts one call for `companyID` and returns nil, or returns the error to send when the call would
    /// pass the daily limit of `tier`. An unenforced limit (a tier change) counts the call but never
    /// refuses it, and sends no usage warning.
    func admit(companyID: String, tier: Tier?, enforced: Bool = true) -> RPCError? {
        let limit = tier?.maximumAPICallsPerDay
        let now = clock.nowMs()
        let key = Key(companyID: companyID, day: UsageCounter.day(of: now))
        enter(key.day)

        var wakeFlush = false
        defer {
            if wakeFlush {
                wake.request()
            }
        }
        return state.withLock { state -> RPCError? in
            let current = state.counts[key, default: 0]
            if let limit, enforced, current >= Int64(limit) {
                let retryAfter = UsageCounter.millisecondsUntilNextDay(from: now)
                return RPCError(
                    .resourceExhausted,
                    "rate limited: company \(companyID) made \(current) API calls on \(key.day) (UTC), and its tier "
                        + "allows \(limit) a day; "
                        + "calls resume at the next UTC midnight, or at once after an owner upgrades with companies.changeTier",
                    details: [
                        "reason": "rate_limited",
                        "limit": .int(Int64(limit)),
                        "used": .int(current),
                        // Rounded up, so that waiting this long always reaches the next day.
                        "retry_after_seconds": .int((retryAfter + 999) / 1000),
                    ],
                    retryAfterMs: retryAfter,
                    retryable: true
                )
            }
            state.counts[key] = current + 1
            state.dirty.insert(key)
            if let limit {
                let pending = state.unflushed[key, default: 0] + 1
                state.unflushed[key] = pending
                if pending >= max(1, Int64(limit) / 20) {
                    wakeFlush = !state.flushRequested
                    state.flushRequested = true
                }
            }
            // A tier change is the way out of the limit, and its owner hears of it by its own message, so
            // it warns of nothing: after an upgrade the old tier's warning would be wrong.
            if let limit, let tier, enforced {
                for percent in UsageThreshold.crossed(from: current, to: current + 1, of: Int64(limit)) {
                    state.warnings.append(
                        UsageThreshold.payload(
                            companyID: companyID, limit: "api_calls_per_day", percent: percent, current: current + 1,
                            allowed: Int64(limit), tier: tier, day: key.day, atMs: now
                        )
                    )
                }
            }
            return nil
        }
    }

    /// Whether a company's calls since the last flush reached 5% of its limit, so the counts should be
    /// written now rather than at the next second.
    var wantsEarlyFlush: Bool {
        state.withLock { $0.flushRequested }
    }

    /// Writes the changed counters and the queued warnings; returns whether anything was written.
    func flush() async throws -> Bool {
        let (changed, warnings) = state.withLock { state -> ([(Key, Int64)], [JSONValue]) in
            let keys = state.dirty
            let warnings = state.warnings
            state.dirty.removeAll()
            state.warnings.removeAll()
            state.unflushed.removeAll()
            state.flushRequested = false
            return (keys.map { ($0, state.counts[$0, default: 0]) }, warnings)
        }
        guard !changed.isEmpty || !warnings.isEmpty else {
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
                        [
                            "company_id": .string(key.companyID), "day": .string(key.day), "calls": .int(calls),
                            "at_ms": .int(now),
                        ],
                        atMs: now
                    )
                }
                for warning in warnings {
                    try connection.publish(
                        EventTopic.usageThresholdReached, warning, atMs: warning["at_ms"]?.intValue ?? now)
                }
            }
        } catch {
            // Keep the keys dirty and the warnings queued so the next flush writes them.
            state.withLock { state in
                for (key, _) in changed {
                    state.dirty.insert(key)
                }
                state.warnings.insert(contentsOf: warnings, at: 0)
            }
            throw error
        }

        // Counts of a day that has passed are written now, so memory no longer needs them.
        state.withLock { state in
            let day = state.day
            state.counts = state.counts.filter { $0.key.day == day || state.dirty.contains($0.key) }
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
