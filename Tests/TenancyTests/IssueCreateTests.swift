import MeshProtocol
import MeshRuntime
import TenantModel
import Testing

@testable import Tenancy

@Suite("Issue creation")
struct IssueCreateTests {
    @Test("new issue gets key, first status and defaults")
    func defaults() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Acme Tools")

        let issue = try await fixture.createIssue(company, title: "  Login fails  ", extra: ["type": "bug"])

        #expect(issue["key"] == .string("\(company.keyPrefix)-1"))
        #expect(issue["number"] == 1)
        #expect(issue["title"] == "Login fails")
        #expect(issue["type"] == "Bug")
        #expect(issue["status"] == "Open")
        #expect(issue["priority"] == "Medium")
        #expect(issue["description"] == "")
        #expect(issue["assignee_id"] == .null)
        #expect(issue["team_id"] == .null)
        #expect(issue["resolved_at_ms"] == .null)
        #expect(issue["custom_fields"] == [:])
        #expect(issue["created_at_ms"] == .int(fixture.harness.clock.nowMs()))
    }

    @Test("issue.created payload")
    func createdEvent() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Event Co")
        let member = try await fixture.invite(company)
        let teamID = try await fixture.createTeam(company, name: "Backend")

        let issue = try await fixture.createIssue(
            company,
            extra: ["team_id": .string(teamID), "assignee_id": .string(member.userID ?? ""), "priority": "High"]
        )

        let events = try fixture.events(EventTopic.issueCreated)
        #expect(events.count == 1)
        let payload = try #require(events.first?.payload)
        #expect(
            payload == [
                "company_id": .string(company.id),
                "issue_id": issue["issue_id"] ?? .null,
                "key": issue["key"] ?? .null,
                "team_id": .string(teamID),
                "type": "Task",
                "priority": "High",
                "status": "Open",
                "assignee_id": .string(member.userID ?? ""),
                "created_at_ms": issue["created_at_ms"] ?? .null,
            ])
    }

    @Test("create writes an audit entry")
    func auditEntry() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Audit Co")

        let issue = try await fixture.createIssue(company)

        let issueID = try #require(issue["issue_id"]?.stringValue)
        let rows = try fixture.harness.store.readSync { connection in
            try connection.query(
                "SELECT action, actor_id, before, after FROM audit WHERE target_id = ?",
                [.text(issueID)]
            )
        }
        #expect(rows.count == 1)
        #expect(rows.first?.string("action") == "issues.create")
        #expect(rows.first?.string("actor_id") == company.owner.userID)
        #expect(rows.first?["before"] == .null)
        #expect(rows.first?.string("after")?.contains(issueID) == true)
    }

    @Test("every invalid parameter listed")
    func everyProblemListed() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Strict Co")

        let error = await rpcFailure {
            try await fixture.createIssue(
                company,
                title: "   ",
                extra: [
                    "type": "Story", "priority": "Urgent",
                    "description": .string(String(repeating: "d", count: 50_001)),
                ]
            )
        }

        #expect(error?.status == .invalidArgument)
        let fields = error?.details?["problems"]?.arrayValue?.compactMap { $0["field"]?.stringValue }
        #expect(fields == ["title", "description", "type", "priority"])
        let problems = error?.details?["problems"]?.arrayValue ?? []
        #expect(problems.allSatisfy { $0["problem"]?.stringValue?.isEmpty == false })
        #expect(error?.message.contains("'Feature'") == true)
    }

    @Test("title of 501 characters rejected")
    func longTitle() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Long Titles")

        let error = await rpcFailure {
            try await fixture.createIssue(company, title: String(repeating: "t", count: 501))
        }
        let accepted = try await fixture.createIssue(company, title: String(repeating: "t", count: 500))

        #expect(error?.status == .invalidArgument)
        #expect(error?.details?["field"] == "title")
        #expect(accepted["title"]?.stringValue?.count == 500)
    }

    @Test("default priority without Medium is the second")
    func defaultPriorityIsSecond() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Priority Co")
        try await fixture.configure(company, ["priorities": ["P0", "P1", "P2"]])

        let issue = try await fixture.createIssue(company)

        #expect(issue["priority"] == "P1")
    }

    @Test("custom fields stored and checked")
    func customFields() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Fields Co")
        try await fixture.configure(
            company,
            [
                "custom_fields": [
                    ["name": "severity", "type": "select", "required": true, "options": ["S1", "S2"]],
                    ["name": "due", "type": "date", "required": false],
                    ["name": "estimate", "type": "number", "required": false],
                ]
            ]
        )

        let stored = try await fixture.createIssue(
            company, extra: ["custom_fields": ["severity": "s1", "due": "2026-02-28"]])
        let error = await rpcFailure {
            try await fixture.createIssue(
                company, extra: ["custom_fields": ["due": "2026-02-30", "estimate": "many", "owner": "me"]])
        }

        #expect(stored["custom_fields"] == ["severity": "S1", "due": "2026-02-28"])
        #expect(error?.status == .invalidArgument)
        let fields = Set(error?.details?["problems"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? [])
        #expect(
            fields == ["custom_fields.due", "custom_fields.estimate", "custom_fields.owner", "custom_fields.severity"])
    }

    @Test("unknown team or assignee rejected")
    func unknownReferences() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Refs Co")
        let member = try await fixture.invite(company)
        try await fixture.deactivate(member, in: company)

        let team = await rpcFailure { try await fixture.createIssue(company, extra: ["team_id": "team_missing"]) }
        let nobody = await rpcFailure { try await fixture.createIssue(company, extra: ["assignee_id": "usr_missing"]) }
        let deactivated = await rpcFailure {
            try await fixture.createIssue(company, extra: ["assignee_id": .string(member.userID ?? "")])
        }

        #expect(team?.status == .notFound)
        #expect(nobody?.status == .notFound)
        #expect(deactivated?.status == .failedPrecondition)
        #expect(try fixture.events(EventTopic.issueCreated).isEmpty)
    }

    @Test("both wrong references named at once")
    func bothReferencesNamed() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Both Refs Co")

        let error = await rpcFailure {
            try await fixture.createIssue(company, extra: ["team_id": "team_missing", "assignee_id": "usr_missing"])
        }

        #expect(error?.status == .notFound)
        #expect(error?.message.contains("team 'team_missing' was not found") == true)
        #expect(error?.message.contains("also, assignee_id 'usr_missing' is not a user of company") == true)
        #expect(error?.details?["problems"]?.arrayValue?.count == 2)
    }

    @Test("viewer cannot create issues")
    func viewerRejected() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Roles Co")
        let viewer = try await fixture.invite(company, role: .viewer)

        let error = await rpcFailure { try await fixture.createIssue(company, as: viewer) }

        #expect(error?.status == .permissionDenied)
    }

    @Test("keys never repeat after deletes")
    func keySequence() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Sequence Co")

        var keys: [String] = []
        for round in 0..<3 {
            let first = try await fixture.createIssue(company, title: "round \(round) a")
            let second = try await fixture.createIssue(company, title: "round \(round) b")
            keys += [first, second].compactMap { $0["key"]?.stringValue }

            // Delete both, newest first, so numbering from the live issues alone would reuse their numbers.
            for issue in [second, first] {
                _ = try await fixture.harness.call(
                    "issues.delete",
                    ["company_id": .string(company.id), "issue_id": issue["issue_id"] ?? .null],
                    as: company.owner
                )
            }
        }
        let last = try await fixture.createIssue(company, title: "after deletes")
        keys.append(last["key"]?.stringValue ?? "")

        #expect(keys == (1...7).map { "\(company.keyPrefix)-\($0)" })
    }

    @Test("numbers survive purged rows")
    func numbersSurvivePurge() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Purge Co")
        for index in 0..<3 {
            try await fixture.createIssue(company, title: "issue \(index)")
        }

        // Remove the rows outright, as a data purge would, so only the counter still records the numbers.
        let companyID = company.id
        try fixture.harness.store.writeSync { connection in
            try connection.execute("DELETE FROM issues WHERE company_id = ?", [.text(companyID)])
        }
        let next = try await fixture.createIssue(company, title: "after purge")

        #expect(next["key"] == .string("\(company.keyPrefix)-4"))
    }

    @Test("get by id and by key")
    func getByIDAndKey() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Lookup Co")
        _ = try await fixture.createIssue(company, title: "first")
        let second = try await fixture.createIssue(company, title: "second")

        let byID = try await fixture.harness.call(
            "issues.get",
            ["company_id": .string(company.id), "issue_id": second["issue_id"] ?? .null],
            as: company.owner
        )
        let byKey = try await fixture.harness.call(
            "issues.get",
            ["company_id": .string(company.id), "key": .string("\(company.keyPrefix.lowercased())-2")],
            as: company.owner
        )

        #expect(byID == second)
        #expect(byKey == second)
    }

    @Test("get needs exactly one of issue_id and key")
    func getArguments() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Args Co")
        let issue = try await fixture.createIssue(company)

        let neither = await rpcFailure {
            try await fixture.harness.call("issues.get", ["company_id": .string(company.id)], as: company.owner)
        }
        let both = await rpcFailure {
            try await fixture.harness.call(
                "issues.get",
                [
                    "company_id": .string(company.id), "issue_id": issue["issue_id"] ?? .null,
                    "key": issue["key"] ?? .null,
                ],
                as: company.owner
            )
        }
        let malformed = await rpcFailure {
            try await fixture.harness.call(
                "issues.get", ["company_id": .string(company.id), "key": "42"], as: company.owner)
        }

        #expect(neither?.status == .invalidArgument)
        #expect(both?.status == .invalidArgument)
        #expect(malformed?.status == .invalidArgument)
        #expect(malformed?.details?["field"] == "key")
    }

    @Test("deleted issue is not found")
    func deletedNotFound() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Delete Co")
        let issue = try await fixture.createIssue(company)
        let target: JSONValue = ["company_id": .string(company.id), "issue_id": issue["issue_id"] ?? .null]

        _ = try await fixture.harness.call("issues.delete", target, as: company.owner)
        let get = await rpcFailure { try await fixture.harness.call("issues.get", target, as: company.owner) }
        let byKey = await rpcFailure {
            try await fixture.harness.call(
                "issues.get", ["company_id": .string(company.id), "key": issue["key"] ?? .null], as: company.owner
            )
        }
        let again = await rpcFailure { try await fixture.harness.call("issues.delete", target, as: company.owner) }

        #expect(get?.status == .notFound)
        #expect(byKey?.status == .notFound)
        #expect(again?.status == .notFound)
        let deleted = try fixture.events(EventTopic.issueDeleted)
        #expect(deleted.count == 1)
        #expect(
            deleted.first?.payload == [
                "company_id": .string(company.id),
                "issue_id": issue["issue_id"] ?? .null,
                "team_id": .null,
                "status": "Open",
                "at_ms": .int(fixture.harness.clock.nowMs()),
            ])
    }

    @Test("member cannot delete issues")
    func memberCannotDelete() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Delete Roles")
        let member = try await fixture.invite(company)
        let issue = try await fixture.createIssue(company, as: member)

        let error = await rpcFailure {
            try await fixture.harness.call(
                "issues.delete", ["company_id": .string(company.id), "issue_id": issue["issue_id"] ?? .null], as: member
            )
        }

        #expect(error?.status == .permissionDenied)
    }
}
