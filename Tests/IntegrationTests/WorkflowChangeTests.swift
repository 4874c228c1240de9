import MeshClient
import MeshProtocol
import MeshTesting
import Testing

/// Renaming the final status of a workflow through the whole mesh: tenancy moves the issues with
/// `status_moves`, and the analytics report keeps its resolution figures.
@Suite(.serialized)
struct WorkflowChangeTests {
    static let hour: Int64 = 3_600_000

    @Test func doneToClosedKeepsTheResolutionFigures() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        _ = try await mesh.provision("Moves Works", email: "owner@moves.example", tier: "premium")
        let owner = try await mesh.signIn("owner@moves.example")
        _ = try await owner.call(
            "companies.configure", ["settings": ["statuses": ["Open", "In Progress", "In Review", "Done"]]])

        var issues: [JSONValue] = []
        for index in 0..<5 {
            let issue = try await owner.call("issues.create", ["title": .string("issue \(index)"), "type": "Bug"])
            issues.append(issue["issue_id"] ?? .null)
        }
        // Resolved after 1, 4, 5 and 7 hours, the last of them deleted; the fifth left in review.
        var elapsed: Int64 = 0
        for (index, hours) in [Int64(1), 4, 5, 7].enumerated() {
            try cluster.advanceClock(milliseconds: (hours - elapsed) * Self.hour)
            elapsed = hours
            _ = try await owner.call("issues.transition", ["issue_id": issues[index], "to_status": "Done"])
        }
        _ = try await owner.call("issues.delete", ["issue_id": issues[3]])
        for status: JSONValue in ["In Progress", "In Review"] {
            _ = try await owner.call("issues.transition", ["issue_id": issues[4], "to_status": status])
        }
        let resolvedAt = try await owner.call("issues.get", ["issue_id": issues[0]])["resolved_at_ms"]

        let before = try await Self.report(mesh, owner, byStatus: ["Done": 3, "In Review": 1])
        #expect(
            before["resolution_time"] == [
                "resolved": 4, "timed": 4, "mean_ms": 15_300_000, "median_ms": 16_200_000, "p90_ms": 25_200_000,
                "percentiles_note": nil,
            ])

        let statuses: JSONValue = ["Open", "In Progress", "Closed"]
        let rejected = await CallOutcome.of(owner, "companies.configure", ["settings": ["statuses": statuses]])
        #expect(rejected.status == .failedPrecondition, "\(rejected.summary)")
        let moves = try #require(rejected.error?.details?["status_moves_example"])
        #expect(moves == ["Done": "Closed", "In Review": "In Progress"])

        try cluster.advanceClock(milliseconds: 24 * Self.hour)
        _ = try await owner.call("companies.configure", ["settings": ["statuses": statuses], "status_moves": moves])

        let after = try await Self.report(mesh, owner, byStatus: ["Closed": 3, "In Progress": 1])
        #expect(after["resolution_time"] == before["resolution_time"])
        #expect(after["distribution"]?["open"] == 1)
        #expect(try await owner.call("issues.get", ["issue_id": issues[0]])["resolved_at_ms"] == resolvedAt)
    }

    /// Waits until the company report shows `byStatus`, the sign that analytics applied every move.
    static func report(_ mesh: MeshFixture, _ owner: MeshClient, byStatus: JSONValue) async throws -> JSONValue {
        try await mesh.eventually {
            let report = try await owner.call("analytics.companyReport", [:])
            guard report["distribution"]?["by_status"] == byStatus else {
                throw RPCError(
                    .unavailable,
                    "analytics has not applied every status change yet: \(report["distribution"] ?? .null)")
            }
            return report
        }
    }
}
