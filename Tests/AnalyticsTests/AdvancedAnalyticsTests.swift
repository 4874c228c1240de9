import MeshProtocol
import MeshRuntime
import MeshTesting
import Testing

@testable import Analytics

/// Weekly rollups, month-over-month trends and the median and 90th-percentile resolution times are
/// advanced analytics: Premium and Platinum reports show them, and a Basic report has null with a note for
/// each.
@Suite("Advanced analytics")
struct AdvancedAnalyticsTests {
    static let now = utc(2026, 3, 15, 12)

    /// Builds a company of `tier` with five issues created on 2026-03-10 and resolved after 1, 2, 3, 4 and 10
    /// hours, and one open issue from February.
    static func company(_ tier: String) throws -> ServiceHarness<Analytics> {
        let harness = try ServiceHarness<Analytics>(startMs: now)
        let created = utc(2026, 3, 10)
        var events = [
            TestEvents.provisioned("cmp_t", tier: tier, at: utc(2026, 1, 5)),
            TestEvents.issueCreated("cmp_t", "iss_feb", at: utc(2026, 2, 3)),
        ]
        for (index, hours) in [Int64(1), 2, 3, 4, 10].enumerated() {
            events.append(TestEvents.issueCreated("cmp_t", "iss_\(index)", at: created))
            events.append(
                TestEvents.issueResolved("cmp_t", "iss_\(index)", created: created, resolved: created + hours * hour))
        }
        try harness.deliver(events)
        return harness
    }

    @Test("Basic gets null advanced figures with a note each")
    func basicWithholdsAdvancedFigures() async throws {
        let harness = try Self.company("basic")

        let json = try await harness.reportJSON("cmp_t")
        #expect(json["issues_per_week"] == .null)
        #expect(json["trends"] == .null)
        #expect(json["resolution_time"]?["median_ms"] == .null)
        #expect(json["resolution_time"]?["p90_ms"] == .null)
        for note in [
            json["issues_per_week_note"], json["trends_note"], json["resolution_time"]?["percentiles_note"],
        ] {
            #expect(note?.stringValue?.contains("Premium and Platinum; upgrade") == true)
        }

        // What Basic keeps is computed as on every tier.
        #expect(json["resolution_time"]?["resolved"] == 5)
        #expect(json["resolution_time"]?["timed"] == 5)
        #expect(json["resolution_time"]?["mean_ms"]?.intValue == 20 * hour / 5)
        #expect(json["issues_per_day"]?.arrayValue?.count == 7)
        #expect(json["distribution"]?["total"] == 6)
        #expect(json["distribution"]?["open"] == 1)
        #expect(json["active_users"] == 0)
        #expect(json["recommendations"]?.arrayValue?.isEmpty == false)
    }

    @Test("Premium and Platinum get every advanced figure", arguments: ["premium", "platinum"])
    func higherTiersSeeAdvancedFigures(_ tier: String) async throws {
        let harness = try Self.company(tier)

        let json = try await harness.reportJSON("cmp_t", days: 7)
        #expect(json["issues_per_week_note"] == .null)
        #expect(json["trends_note"] == .null)
        #expect(json["resolution_time"]?["percentiles_note"] == .null)

        let report = try await harness.report("cmp_t", days: 7)
        #expect(report.resolutionTime.medianMs == 3 * hour)
        #expect(report.resolutionTime.p90Ms == 10 * hour)
        #expect(report.issuesPerWeek?.map(\.week) == ["2026-W11"])
        #expect(report.issuesPerWeek?.first?.issuesCreated == 5)
        #expect(report.trends?.issuesCreated == Trend(current: 5, previous: 1))
        #expect(report.trends?.issuesResolved.changePercent == .new)
    }

    @Test("an upgrade shows the advanced figures at once, and a downgrade hides them")
    func tierChangeTakesEffectAtOnce() async throws {
        let harness = try Self.company("basic")
        #expect(try await harness.report("cmp_t").trends == nil)

        try harness.deliver([TestEvents.tierChanged("cmp_t", from: "basic", to: "premium", at: Self.now - hour)])
        let upgraded = try await harness.report("cmp_t", days: 7)
        #expect(upgraded.profile.tier == "premium")
        #expect(upgraded.resolutionTime.medianMs == 3 * hour)
        #expect(upgraded.resolutionTime.percentilesNote == nil)
        #expect(upgraded.trends?.issuesCreated.current == 5)
        #expect(upgraded.issuesPerWeek?.isEmpty == false)
        #expect(upgraded.trendsNote == nil)

        try harness.deliver([TestEvents.tierChanged("cmp_t", from: "premium", to: "basic", at: Self.now)])
        let downgraded = try await harness.report("cmp_t")
        #expect(downgraded.resolutionTime.medianMs == nil)
        #expect(downgraded.resolutionTime.meanMs == upgraded.resolutionTime.meanMs)
        #expect(downgraded.trends == nil)
        #expect(downgraded.trendsNote == CompanyReport.trendsNote)
    }
}
