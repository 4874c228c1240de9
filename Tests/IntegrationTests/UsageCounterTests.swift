import Foundation
import MeshProtocol
import MeshRuntime
import MeshStore
import MeshTesting
import TenantModel
import Testing

@testable import Gateway

/// Checks the gateway's daily API call counts across day changes of a test clock.
@Suite struct UsageCounterTests {
    let scratch: TemporaryHome
    let store: Database
    let clockPath: String

    init() throws {
        scratch = try TemporaryHome("usage")
        store = try Database(path: scratch.home.databasePath("gateway"), migrations: Gateway.migrations)
        clockPath = scratch.home.clockPath
    }

    func setClock(_ milliseconds: Int64) throws {
        try MeshClock.writeClockFile(clockPath, milliseconds: milliseconds)
    }

    func counter() throws -> UsageCounter {
        try UsageCounter(
            store: store, clock: .file(clockPath), logger: Logger(label: "test", sink: .memory()))
    }

    func storedCalls(_ day: String) throws -> Int64? {
        try store.readSync { connection in
            try connection.queryOne(
                "SELECT calls FROM api_usage WHERE company_id = 'cmp_a' AND day = ?", [.text(day)]
            )?.int("calls")
        }
    }

    @Test(.timeLimit(.minutes(1))) func fivePercentOfLimitAsksForEarlyFlush() async throws {
        try setClock(1_800_000_000_000)
        let usage = try counter()

        // Basic allows 1,000 calls a day, so 50 unflushed calls ask for a flush.
        for _ in 0..<49 {
            #expect(usage.admit(companyID: "cmp_a", tier: .basic) == nil)
        }
        #expect(!usage.wantsEarlyFlush)
        #expect(usage.admit(companyID: "cmp_a", tier: .basic) == nil)
        #expect(usage.wantsEarlyFlush)
        // The request reached the flush loop's wake, so its next wait ends at once.
        await usage.wake.wait(upTo: .seconds(600))

        _ = try await usage.flush()
        #expect(!usage.wantsEarlyFlush)
    }

    @Test func tierChangeAtAThresholdWarnsOfNothing() async throws {
        try setClock(1_800_000_000_000)
        let usage = try counter()
        for _ in 0..<799 {
            #expect(usage.admit(companyID: "cmp_a", tier: .basic) == nil)
        }

        // The 800th call is an upgrade, which the owner hears of by its own message.
        #expect(usage.admit(companyID: "cmp_a", tier: .basic, enforced: false) == nil)
        _ = try await usage.flush()

        let warnings = try store.readSync { connection in
            try connection.scalarInt(
                "SELECT COUNT(*) FROM outbox WHERE topic = ?", [.text(EventTopic.usageThresholdReached)])
        }
        #expect(warnings == 0)
        #expect(try storedCalls(UsageCounter.day(of: 1_800_000_000_000)) == 800)
    }

    @Test func unlimitedTierNeverAsksForEarlyFlush() throws {
        try setClock(1_800_000_000_000)
        let usage = try counter()

        for _ in 0..<5_000 {
            #expect(usage.admit(companyID: "cmp_a", tier: .platinum) == nil)
        }

        #expect(!usage.wantsEarlyFlush)
    }

    @Test func dayGoneBackContinuesItsStoredCount() async throws {
        let firstDay: Int64 = 1_800_000_000_000 - 1_800_000_000_000 % 86_400_000
        try setClock(firstDay + 1_000)
        let usage = try counter()

        for _ in 0..<5 {
            #expect(usage.admit(companyID: "cmp_a", tier: .basic) == nil)
        }
        _ = try await usage.flush()

        try setClock(firstDay + 86_400_000 + 1_000)
        #expect(usage.admit(companyID: "cmp_a", tier: .basic) == nil)
        _ = try await usage.flush()

        try setClock(firstDay + 2_000)
        #expect(usage.admit(companyID: "cmp_a", tier: .basic) == nil)
        _ = try await usage.flush()

        #expect(try storedCalls(UsageCounter.day(of: firstDay)) == 6)
        #expect(try storedCalls(UsageCounter.day(of: firstDay + 86_400_000)) == 1)
    }

    @Test func restartMidDayKeepsTheLimit() async throws {
        let limit = try #require(Tier.basic.maximumAPICallsPerDay)
        let day: Int64 = 1_800_000_000_000 - 1_800_000_000_000 % 86_400_000
        try setClock(day + 86_400_000 - 500)
        let first = try counter()

        for _ in 0..<limit {
            #expect(first.admit(companyID: "cmp_a", tier: .basic) == nil)
        }
        _ = try await first.flush()

        let restarted = try counter()
        let error = try #require(restarted.admit(companyID: "cmp_a", tier: .basic))
        #expect(error.status == .resourceExhausted)
        #expect(error.retryAfterMs == 500)
        // Half a second before midnight still means waiting a whole second, never zero.
        #expect(error.details?["retry_after_seconds"] == 1)
    }
}
