import MeshProtocol
import MeshRuntime
import TenantModel
import Testing

@testable import Tenancy

/// `companies.configure` with `status_moves`: issues of dropped statuses move in the same transaction,
/// keeping, clearing or setting `resolved_at_ms` as a transition would.
@Suite("Status moves")
struct StatusMoveTests {
    static let workflow: JSONValue = ["Open", "In Progress", "In Review", "Done"]

    /// Provisions a Premium company with the workflow `Open, In Progress, In Review, Done`.
    static func company(_ fixture: WorkspaceFixture) async throws -> WorkspaceFixture.Company {
        let company = try await fixture.provision("Moves Co", tier: .premium)
        try await fixture.configure(company, ["statuses": workflow])
        return company
    }

    /// Creates an issue and walks it forward through the workflow to `status`, an hour per step.
    static func issue(_ fixture: WorkspaceFixture, _ company: WorkspaceFixture.Company, in status: String)
        async throws -> JSONValue
    {
        var issue = try await fixture.createIssue(company)
        for step in ["In Progress", "In Review", "Done"] where issue["status"]?.stringValue != status {
            try fixture.harness.setClock(fixture.harness.clock.nowMs() + 3_600_000)
            issue = try await IssueTransitionTests.transition(fixture, company, issue, to: step)
        }
        return issue
    }

    static func configure(
        _ fixture: WorkspaceFixture,
        _ company: WorkspaceFixture.Company,
        statuses: JSONValue,
        moves: JSONValue?,
        idempotencyKey: String? = nil
    ) async throws -> JSONValue {
        var params: [String: JSONValue] = ["company_id": .string(company.id), "settings": ["statuses": statuses]]
        params["status_moves"] = moves
        return try await fixture.harness.call(
            "companies.configure", .object(params), as: company.owner, idempotencyKey: idempotencyKey)
    }

    static func get(_ fixture: WorkspaceFixture, _ company: WorkspaceFixture.Company, _ issue: JSONValue)
        async throws -> JSONValue
    {
        try await fixture.harness.call(
            "issues.get", ["company_id": .string(company.id), "issue_id": issue["issue_id"] ?? .null],
            as: company.owner)
    }

    /// How a move leaves `resolved_at_ms`.
    enum Resolution: Sendable {
        /// The time the issue was resolved before the move.
        case kept
        /// Null: the issue is open after the move.
        case none
        /// The configure time: the move resolved the issue.
        case atConfigure
    }

    struct MoveCase: Sendable, CustomTestStringConvertible {
        var from: String
        var statuses: JSONValue
        var to: String
        var resolution: Resolution
        /// The issue events the move publishes, in order.
        var topics: [String]

        var testDescription: String { "\(from) -> \(to)" }
    }

    static let moveCases: [MoveCase] = [
        // From the final status to the new final one: still the same resolution.
        MoveCase(
            from: "Done", statuses: ["Open", "In Progress", "Closed"], to: "Closed", resolution: .kept,
            topics: [EventTopic.issueTransitioned]),
        // From the final status to one that is not final: a reopening.
        MoveCase(
            from: "Done", statuses: ["Open", "In Progress", "In Review", "Closed"], to: "In Review",
            resolution: .none, topics: [EventTopic.issueTransitioned, EventTopic.issueReopened]),
        // Into the new final status: a resolution at the configure time.
        MoveCase(
            from: "In Review", statuses: ["Open", "In Progress", "Done"], to: "Done", resolution: .atConfigure,
            topics: [EventTopic.issueTransitioned, EventTopic.issueResolved]),
        // Between statuses that are not final: only the status changes.
        MoveCase(
            from: "In Review", statuses: ["Open", "In Progress", "Done"], to: "In Progress", resolution: .none,
            topics: [EventTopic.issueTransitioned]),
    ]

    @Test(arguments: moveCases)
    func moveSetsStatusAndResolution(_ move: MoveCase) async throws {
        let fixture = try WorkspaceFixture()
        let company = try await Self.company(fixture)
        let issue = try await Self.issue(fixture, company, in: move.from)
        let resolvedBefore = issue["resolved_at_ms"] ?? .null
        try fixture.harness.advance(days: 2)
        let now = fixture.harness.clock.nowMs()
        let publishedBefore = try fixture.harness.published().count

        _ = try await Self.configure(
            fixture, company, statuses: move.statuses, moves: .object([move.from: .string(move.to)]))

        let moved = try await Self.get(fixture, company, issue)
        #expect(moved["status"] == .string(move.to))
        #expect(moved["updated_at_ms"] == .int(now))
        switch move.resolution {
        case .kept:
            #expect(resolvedBefore.intValue != nil)
            #expect(moved["resolved_at_ms"] == resolvedBefore)
        case .none:
            #expect(moved["resolved_at_ms"] == .null)
        case .atConfigure:
            #expect(moved["resolved_at_ms"] == .int(now))
        }

        let events = try fixture.harness.published().dropFirst(publishedBefore)
        #expect(events.map(\.topic) == [EventTopic.companyConfigured] + move.topics)
        let transition = try #require(events.first { $0.topic == EventTopic.issueTransitioned })
        #expect(transition.payload["from_status"] == .string(move.from))
        #expect(transition.payload["to_status"] == .string(move.to))
        #expect(transition.payload["at_ms"] == .int(now))
        #expect(transition.payload["resolved_at_ms"] == moved["resolved_at_ms"])
        // Only a move that resolves the issue carries a new resolution id, shared with issue.resolved.
        let resolved = events.first { $0.topic == EventTopic.issueResolved }
        #expect(transition.payload["resolution_id"] == resolved?.payload["resolution_id"] ?? .null)
    }

    @Test func movesLiveIssuesAndAudits() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await Self.company(fixture)
        var done: [JSONValue] = []
        for _ in 0..<3 {
            done.append(try await Self.issue(fixture, company, in: "Done"))
        }
        let review = try await Self.issue(fixture, company, in: "In Review")
        let deleted = try await Self.issue(fixture, company, in: "Done")
        _ = try await fixture.harness.call(
            "issues.delete", ["company_id": .string(company.id), "issue_id": deleted["issue_id"] ?? .null],
            as: company.owner)

        let view = try await Self.configure(
            fixture, company, statuses: ["Open", "In Progress", "Closed"],
            moves: ["Done": "Closed", "In Review": "In Progress"])

        #expect(view["settings"]?["statuses"] == ["Open", "In Progress", "Closed"])
        for issue in done {
            let moved = try await Self.get(fixture, company, issue)
            #expect(moved["status"] == "Closed")
            #expect(moved["resolved_at_ms"] == issue["resolved_at_ms"])
        }
        #expect(try await Self.get(fixture, company, review)["status"] == "In Progress")
        // A deleted issue is not moved.
        #expect(try fixture.harness.count("issues", where: "status = 'Done' AND deleted_at_ms IS NOT NULL") == 1)

        let page = try await fixture.harness.call("audit.list", ["company_id": .string(company.id)], as: company.owner)
        let entry = try #require(page["entries"]?.arrayValue?.first)
        #expect(entry["action"] == "companies.configure")
        #expect(entry["before"]?["statuses"] == Self.workflow)
        #expect(entry["after"]?["statuses"] == ["Open", "In Progress", "Closed"])
        #expect(
            entry["after"]?["status_moves"] == [
                ["from": "Done", "to": "Closed", "issues": 3], ["from": "In Review", "to": "In Progress", "issues": 1],
            ])
    }

    struct InvalidCase: Sendable, CustomTestStringConvertible {
        var settings: JSONValue
        var moves: JSONValue
        /// Every field the error must list, and no other.
        var fields: Set<String>

        var testDescription: String { fields.sorted().joined(separator: ", ") }
    }

    static let invalidCases: [InvalidCase] = [
        // An unknown key, a kept status, a target outside the new list and a used status without a move,
        // listed together with a problem of the settings.
        InvalidCase(
            settings: ["statuses": ["Open", "In Progress", "Closed"], "priorities": []],
            moves: ["Triage": "Open", "Open": "Closed", "Done": "Archived"],
            fields: [
                "status_moves.Triage", "status_moves.Open", "status_moves.Done", "status_moves.In Review",
                "settings.priorities",
            ]
        ),
        InvalidCase(
            settings: ["statuses": ["Open", "In Progress", "Closed"]], moves: "Done",
            fields: ["status_moves"]),
        InvalidCase(
            settings: ["statuses": ["Open", "In Progress", "Closed"]],
            moves: ["Done": 3, "done": "Closed", "In Review": "In Progress"],
            fields: ["status_moves.Done", "status_moves.done"]
        ),
        // Without a new list of statuses nothing is dropped, so no move applies.
        InvalidCase(settings: ["priorities": ["Low"]], moves: ["Done": "Open"], fields: ["status_moves.Done"]),
        // With invalid statuses, the keys are still checked against the current ones.
        InvalidCase(
            settings: ["statuses": ["Only"]], moves: ["Done": "Only", "Nope": "Only"],
            fields: ["settings.statuses", "status_moves.Nope"]),
    ]

    @Test(arguments: invalidCases)
    func everyProblemIsListedAndNothingApplied(_ invalid: InvalidCase) async throws {
        let fixture = try WorkspaceFixture()
        let company = try await Self.company(fixture)
        let done = try await Self.issue(fixture, company, in: "Done")
        _ = try await Self.issue(fixture, company, in: "In Review")
        let before = try await fixture.harness.call("companies.get", ["company_id": .string(company.id)])
        let publishedBefore = try fixture.harness.published().count
        let auditBefore = try fixture.harness.count("audit")

        let error = await expectFailure(.invalidArgument) {
            try await fixture.harness.call(
                "companies.configure",
                ["company_id": .string(company.id), "settings": invalid.settings, "status_moves": invalid.moves],
                as: company.owner
            )
        }
        let problems = error?.details?["problems"]?.arrayValue ?? []
        #expect(Set(problems.compactMap { $0["field"]?.stringValue }) == invalid.fields)
        for field in invalid.fields {
            #expect(error?.message.contains(field) == true)
        }

        let after = try await fixture.harness.call("companies.get", ["company_id": .string(company.id)])
        #expect(after["settings"] == before["settings"])
        #expect(try await Self.get(fixture, company, done) == done)
        #expect(try fixture.harness.published().count == publishedBefore)
        #expect(try fixture.harness.count("audit") == auditBefore)
    }

    @Test func missingMoveSuggestsATarget() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await Self.company(fixture)
        _ = try await Self.issue(fixture, company, in: "In Review")

        let error = await expectFailure(.invalidArgument) {
            try await Self.configure(fixture, company, statuses: ["Open", "In Progress", "Closed"], moves: [:])
        }

        let problem = try #require(error?.details?["problems"]?.arrayValue?.first)
        #expect(problem["field"] == "status_moves.In Review")
        #expect(problem["problem"]?.stringValue?.contains("1 issue not deleted is in 'In Review'") == true)
        #expect(problem["problem"]?.stringValue?.contains("add \"In Review\": \"In Progress\"") == true)
    }

    @Test func rejectionWithoutMovesShowsExample() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await Self.company(fixture)
        for _ in 0..<3 {
            _ = try await Self.issue(fixture, company, in: "Done")
        }
        _ = try await Self.issue(fixture, company, in: "In Review")
        let statuses: JSONValue = ["Open", "In Progress", "Closed"]

        let error = await expectFailure(.failedPrecondition) {
            try await Self.configure(fixture, company, statuses: statuses, moves: nil)
        }
        let example: JSONValue = ["Done": "Closed", "In Review": "In Progress"]
        #expect(
            error?.message.hasPrefix("4 issues not deleted are still in statuses 'Done' (3), 'In Review' (1);") == true)
        #expect(error?.message.contains("\"status_moves\": \(JSONWriter.string(example))") == true)
        #expect(error?.details?["status_moves_example"] == example)

        // The example is a working call.
        let view = try await Self.configure(
            fixture, company, statuses: statuses, moves: error?.details?["status_moves_example"])
        #expect(view["settings"]?["statuses"] == statuses)
    }

    @Test func retryWithTheSameKeyMovesOnce() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await Self.company(fixture)
        let issue = try await Self.issue(fixture, company, in: "In Review")
        let statuses: JSONValue = ["Open", "In Progress", "Done"]
        let moves: JSONValue = ["In Review": "Done"]

        let first = try await Self.configure(fixture, company, statuses: statuses, moves: moves, idempotencyKey: "k-1")
        let resolvedAt = try await Self.get(fixture, company, issue)["resolved_at_ms"]
        try fixture.harness.advance(days: 1)
        let second = try await Self.configure(fixture, company, statuses: statuses, moves: moves, idempotencyKey: "k-1")

        #expect(second == first)
        #expect(try await Self.get(fixture, company, issue)["resolved_at_ms"] == resolvedAt)
        #expect(try fixture.events(EventTopic.issueResolved).count == 1)
        #expect(try fixture.harness.count("audit", where: "action = 'companies.configure'") == 2)
    }

    @Test func reorderedWorkflowSettlesResolutions() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await Self.company(fixture)
        let review = try await Self.issue(fixture, company, in: "In Review")
        let done = try await Self.issue(fixture, company, in: "Done")
        let open = try await Self.issue(fixture, company, in: "Open")
        try fixture.harness.setClock(fixture.harness.clock.nowMs() + 3_600_000)
        let configuredAt = fixture.harness.clock.nowMs()

        // Nothing is dropped, but In Review becomes final and Done does not stay final.
        let view = try await Self.configure(
            fixture, company, statuses: ["Open", "In Progress", "Done", "In Review"], moves: nil)

        #expect(view["settings"]?["statuses"] == ["Open", "In Progress", "Done", "In Review"])
        #expect(try await Self.get(fixture, company, review)["resolved_at_ms"] == .int(configuredAt))
        #expect(try await Self.get(fixture, company, done)["resolved_at_ms"] == .null)
        #expect(try await Self.get(fixture, company, open)["resolved_at_ms"] == .null)
        #expect(try fixture.events(EventTopic.issueResolved).count == 2, "Done's own resolution and In Review's")
        #expect(try fixture.events(EventTopic.issueReopened).count == 1)

        let audit = try fixture.harness.store.readSync { connection in
            try connection.queryOne(
                "SELECT after FROM audit WHERE action = 'companies.configure' ORDER BY seq DESC LIMIT 1")
        }
        let after = try JSONParser.parse(try #require(audit?.string("after")))
        #expect(after["resolution_changes"] == ["resolved": 1, "reopened": 1])
    }
}
