import MeshProtocol
import MeshRuntime
import MeshTesting
import Testing

@testable import Analytics

/// A workflow change that moves issues (`companies.configure` with `status_moves`) changes the status
/// distribution and leaves the resolution figures as they were.
@Suite("Status moves in the report")
struct StatusMoveReportTests {
    static let now = utc(2026, 3, 15, 12)
    static let created = utc(2026, 3, 10)

    /// Builds a Premium company with workflow `Open, In Progress, In Review, Done`: iss_1 to iss_4
    /// resolved after 1, 4, 5 and 7 hours, iss_4 then deleted, and iss_5 in review.
    static func company() throws -> ServiceHarness<Analytics> {
        let harness = try ServiceHarness<Analytics>(startMs: now)
        var events = [TestEvents.provisioned("cmp_m", tier: "premium", at: utc(2026, 2, 1))]
        for index in 1...5 {
            events.append(TestEvents.issueCreated("cmp_m", "iss_\(index)", at: created))
        }
        for (index, hours) in [Int64(1), 4, 5, 7].enumerated() {
            let issue = "iss_\(index + 1)"
            let resolvedAt = created + hours * hour
            events += [
                TestEvents.moved(
                    "cmp_m", issue, from: "Open", to: "Done", at: resolvedAt, resolvedAt: resolvedAt,
                    resolution: "res_\(issue)"),
                TestEvents.issueResolved(
                    "cmp_m", issue, created: created, resolved: resolvedAt, resolution: "res_\(issue)"),
            ]
        }
        events += [
            TestEvents.event(
                "issue.deleted",
                [
                    "company_id": "cmp_m", "issue_id": "iss_4", "team_id": nil, "status": "Done",
                    "at_ms": .int(utc(2026, 3, 11)),
                ],
                at: utc(2026, 3, 11)
            ),
            TestEvents.moved("cmp_m", "iss_5", from: "Open", to: "In Progress", at: created + hour),
            TestEvents.moved("cmp_m", "iss_5", from: "In Progress", to: "In Review", at: created + 2 * hour),
        ]
        try harness.deliver(events)
        return harness
    }

    @Test func doneToClosedKeepsTheResolutionFigures() async throws {
        let harness = try Self.company()
        let before = try await harness.report("cmp_m", days: 10)
        #expect(
            before.resolutionTime
                == ResolutionStats(
                    resolved: 4, timed: 4, meanMs: 15_300_000, medianMs: 16_200_000, p90Ms: 25_200_000))
        #expect(before.distribution.byStatus == ["Done": 3, "In Review": 1])

        // What tenancy publishes for status_moves {"Done": "Closed", "In Review": "In Progress"}.
        let at = utc(2026, 3, 14)
        var moves = (1...3).map { index in
            TestEvents.moved(
                "cmp_m", "iss_\(index)", from: "Done", to: "Closed", at: at,
                resolvedAt: Self.created + [1, 4, 5][index - 1] * hour)
        }
        moves.append(TestEvents.moved("cmp_m", "iss_5", from: "In Review", to: "In Progress", at: at))
        try harness.deliver(moves)

        let after = try await harness.report("cmp_m", days: 10)
        #expect(after.resolutionTime == before.resolutionTime)
        #expect(after.issuesPerDay.map(\.issuesResolved) == before.issuesPerDay.map(\.issuesResolved))
        #expect(after.trends?.issuesResolved == before.trends?.issuesResolved)
        #expect(after.distribution.byStatus == ["Closed": 3, "In Progress": 1])
        #expect(after.distribution.open == 1)
    }

    @Test func moveIntoNewFinalResolvesOnce() async throws {
        let harness = try Self.company()
        let at = utc(2026, 3, 14)

        try harness.deliver([
            TestEvents.moved(
                "cmp_m", "iss_5", from: "In Review", to: "Closed", at: at, resolvedAt: at, resolution: "res_m"),
            TestEvents.issueResolved("cmp_m", "iss_5", created: Self.created, resolved: at, resolution: "res_m"),
        ])

        let report = try await harness.report("cmp_m", days: 10)
        #expect(report.resolutionTime.resolved == 5)
        #expect(report.resolutionTime.p90Ms == at - Self.created)
        #expect(report.distribution.open == 0)
    }
}
