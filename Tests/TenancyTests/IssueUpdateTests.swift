import MeshProtocol
import MeshRuntime
import Testing
import TenantModel

@testable import Tenancy

@Suite("Issue updates and assignment")
struct IssueUpdateTests {
    static func update(
        _ fixture: WorkspaceFixture,
        _ company: WorkspaceFixture.Company,
        _ issue: JSONValue,
        _ changes: [String: JSONValue]
    ) async throws -> JSONValue {
        var params = changes
        params["company_id"] = .string(company.id)
        params["issue_id"] = issue["issue_id"] ?? .null
        return try await fixture.harness.call("issues.update", .object(params), as: company.owner)
    }

    static func assign(
        _ fixture: WorkspaceFixture,
        _ company: WorkspaceFixture.Company,
        _ issue: JSONValue,
        _ assignee: JSONValue
    ) async throws -> JSONValue {
        try await fixture.harness.call(
            "issues.assign",
            ["company_id": .string(company.id), "issue_id": issue["issue_id"] ?? .null, "assignee_id": assignee],
            as: company.owner
        )
    }

    @Test("update publishes each change")
    func updateEvent() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Update Co")
        let teamID = try await fixture.createTeam(company, name: "Core")
        let issue = try await fixture.createIssue(company, title: "old title")
        try fixture.harness.advance(days: 1)

        let updated = try await Self.update(
            fixture, company, issue,
            ["title": "new title", "priority": "critical", "team_id": .string(teamID), "type": "Task"]
        )

        #expect(updated["title"] == "new title")
        #expect(updated["priority"] == "Critical")
        #expect(updated["team_id"] == .string(teamID))
        #expect(updated["updated_at_ms"] == .int(fixture.harness.clock.nowMs()))
        let events = try fixture.events(EventTopic.issueUpdated)
        #expect(events.count == 1)
        #expect(events.first?.payload == [
            "company_id": .string(company.id),
            "issue_id": issue["issue_id"] ?? .null,
            "changes": [
                "title": ["from": "old title", "to": "new title"],
                "priority": ["from": "Medium", "to": "Critical"],
                "team_id": ["from": .null, "to": .string(teamID)],
            ],
            "team_id": .string(teamID),
            "type": "Task",
            "priority": "Critical",
            "at_ms": .int(fixture.harness.clock.nowMs()),
        ])
    }

    @Test("null team_id clears the team")
    func clearTeam() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Clear Co")
        let teamID = try await fixture.createTeam(company, name: "Temp")
        let issue = try await fixture.createIssue(company, extra: ["team_id": .string(teamID)])

        let kept = try await Self.update(fixture, company, issue, ["title": "renamed"])
        let cleared = try await Self.update(fixture, company, issue, ["team_id": .null])

        #expect(kept["team_id"] == .string(teamID))
        #expect(cleared["team_id"] == .null)
    }

    @Test("unchanged update publishes nothing")
    func noOpUpdate() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Same Co")
        let issue = try await fixture.createIssue(company, title: "same")

        let result = try await Self.update(fixture, company, issue, ["title": "same", "priority": "Medium"])

        #expect(result == issue)
        #expect(try fixture.events(EventTopic.issueUpdated).isEmpty)
    }

    @Test("empty update rejected")
    func emptyUpdate() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Empty Co")
        let issue = try await fixture.createIssue(company)

        let error = await rpcFailure { try await Self.update(fixture, company, issue, [:]) }
        let status = await rpcFailure { try await Self.update(fixture, company, issue, ["status": "Closed"]) }

        #expect(error?.status == .invalidArgument)
        #expect(status?.status == .invalidArgument)
        #expect(status?.details?["field"] == "status")
    }

    @Test("invalid update lists every problem and changes nothing")
    func invalidUpdate() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Bad Update Co")
        try await fixture.configure(company, ["custom_fields": [["name": "points", "type": "number", "required": false]]])
        let issue = try await fixture.createIssue(company)

        let error = await rpcFailure {
            try await Self.update(fixture, company, issue, ["title": "", "type": "Story", "custom_fields": ["points": "five"]])
        }

        #expect(error?.status == .invalidArgument)
        let fields = error?.details?["problems"]?.arrayValue?.compactMap { $0["field"]?.stringValue }
        #expect(fields == ["title", "type", "custom_fields.points"])
        let stored = try await fixture.harness.call(
            "issues.get", ["company_id": .string(company.id), "issue_id": issue["issue_id"] ?? .null], as: company.owner
        )
        #expect(stored == issue)
    }

    @Test("custom field update merges values")
    func customFieldMerge() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Merge Co")
        try await fixture.configure(
            company,
            [
                "custom_fields": [
                    ["name": "points", "type": "number", "required": false],
                    ["name": "urgent", "type": "boolean", "required": false],
                ]
            ]
        )
        let issue = try await fixture.createIssue(company, extra: ["custom_fields": ["points": 3]])

        let updated = try await Self.update(fixture, company, issue, ["custom_fields": ["urgent": true]])
        let removed = try await Self.update(fixture, company, issue, ["custom_fields": ["points": .null]])

        #expect(updated["custom_fields"] == ["points": 3, "urgent": true])
        #expect(removed["custom_fields"] == ["urgent": true])
        let changes = try fixture.events(EventTopic.issueUpdated).last?.payload["changes"]
        #expect(changes == ["custom_fields": ["from": ["points": 3, "urgent": true], "to": ["urgent": true]]])
    }

    @Test("assign and unassign")
    func assignAndUnassign() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Assign Co")
        let member = try await fixture.invite(company)
        let memberID = JSONValue.string(member.userID ?? "")
        let issue = try await fixture.createIssue(company)

        let assigned = try await Self.assign(fixture, company, issue, memberID)
        let again = try await Self.assign(fixture, company, issue, memberID)
        let unassigned = try await Self.assign(fixture, company, issue, .null)

        #expect(assigned["assignee_id"] == memberID)
        #expect(again["assignee_id"] == memberID)
        #expect(unassigned["assignee_id"] == .null)
        let changes = try fixture.events(EventTopic.issueUpdated).map { $0.payload["changes"] }
        #expect(changes == [
            ["assignee_id": ["from": .null, "to": memberID]],
            ["assignee_id": ["from": memberID, "to": .null]],
        ])
        let audit = try fixture.harness.store.readSync { connection in
            try connection.scalarInt(
                "SELECT COUNT(*) FROM audit WHERE target_id = ? AND action = 'issues.assign'",
                [.text(issue["issue_id"]?.stringValue ?? "")]
            )
        }
        #expect(audit == 2)
    }

    @Test("assignee must be a working user of the company")
    func assigneeChecks() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Assignee Co")
        let other = try await fixture.provision("Elsewhere Co")
        let outsider = try await fixture.invite(other)
        let leaver = try await fixture.invite(company)
        try await fixture.deactivate(leaver, in: company)
        let issue = try await fixture.createIssue(company)

        let missing = await rpcFailure {
            try await fixture.harness.call(
                "issues.assign", ["company_id": .string(company.id), "issue_id": issue["issue_id"] ?? .null], as: company.owner
            )
        }
        let foreign = await rpcFailure { try await Self.assign(fixture, company, issue, .string(outsider.userID ?? "")) }
        let deactivated = await rpcFailure { try await Self.assign(fixture, company, issue, .string(leaver.userID ?? "")) }
        let invitedOwner = try await Self.assign(fixture, company, issue, .string(company.owner.userID ?? ""))

        #expect(missing?.status == .invalidArgument)
        #expect(missing?.details?["field"] == "assignee_id")
        #expect(foreign?.status == .notFound)
        #expect(deactivated?.status == .failedPrecondition)
        #expect(invitedOwner["assignee_id"] == .string(company.owner.userID ?? ""))
    }
}
