import MeshProtocol
import MeshRuntime
import TenantModel
import Testing

@testable import Tenancy

@Suite("Issue transitions")
struct IssueTransitionTests {
    static func transition(
        _ fixture: WorkspaceFixture,
        _ company: WorkspaceFixture.Company,
        _ issue: JSONValue,
        to status: String
    ) async throws -> JSONValue {
        try await fixture.harness.call(
            "issues.transition",
            ["company_id": .string(company.id), "issue_id": issue["issue_id"] ?? .null, "to_status": .string(status)],
            as: company.owner
        )
    }

    @Test("final status resolves and reopening clears")
    func resolveAndReopen() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Resolve Co", tier: .premium)
        let teamID = try await fixture.createTeam(company, name: "Ops")
        let issue = try await fixture.createIssue(company, extra: ["team_id": .string(teamID), "type": "Bug"])
        let createdAt = try #require(issue["created_at_ms"]?.intValue)

        try fixture.harness.setClock(createdAt + 3_600_000)
        let resolvedAt = fixture.harness.clock.nowMs()
        let closed = try await Self.transition(fixture, company, issue, to: "Closed")

        #expect(closed["status"] == "Closed")
        #expect(closed["resolved_at_ms"] == .int(resolvedAt))
        #expect(closed["updated_at_ms"] == .int(resolvedAt))

        let resolved = try fixture.events(EventTopic.issueResolved)
        #expect(resolved.count == 1)
        let resolutionID = try #require(resolved.first?.payload["resolution_id"])
        #expect(resolutionID.stringValue?.hasPrefix("res_") == true)
        #expect(
            resolved.first?.payload == [
                "company_id": .string(company.id),
                "issue_id": issue["issue_id"] ?? .null,
                "team_id": .string(teamID),
                "type": "Bug",
                "priority": "Medium",
                "created_at_ms": .int(createdAt),
                "resolved_at_ms": .int(resolvedAt),
                "resolution_id": resolutionID,
            ])
        let toClosed = try fixture.events(EventTopic.issueTransitioned)
        #expect(toClosed.count == 1)
        #expect(
            toClosed.first?.payload == [
                "company_id": .string(company.id),
                "issue_id": issue["issue_id"] ?? .null,
                "team_id": .string(teamID),
                "type": "Bug",
                "priority": "Medium",
                "from_status": "Open",
                "to_status": "Closed",
                "at_ms": .int(resolvedAt),
                "resolved_at_ms": .int(resolvedAt),
                "resolution_id": resolutionID,
            ])

        try fixture.harness.advance(days: 1)
        let reopenedAt = fixture.harness.clock.nowMs()
        let reopened = try await Self.transition(fixture, company, issue, to: "In Review")

        #expect(reopened["status"] == "In Review")
        #expect(reopened["resolved_at_ms"] == .null)
        let reopenEvents = try fixture.events(EventTopic.issueReopened)
        #expect(reopenEvents.count == 1)
        #expect(
            reopenEvents.first?.payload == [
                "company_id": .string(company.id),
                "issue_id": issue["issue_id"] ?? .null,
                "team_id": .string(teamID),
                "at_ms": .int(reopenedAt),
            ])
        let transitions = try fixture.events(EventTopic.issueTransitioned)
        #expect(transitions.count == 2)
        #expect(transitions.last?.payload["from_status"] == "Closed")
        #expect(transitions.last?.payload["resolved_at_ms"] == .null)
        #expect(transitions.last?.payload["resolution_id"] == .null)
        #expect(try fixture.events(EventTopic.issueResolved).count == 1)

        // Resolved again in the same millisecond as the reopening: a new resolution with its own id.
        _ = try await Self.transition(fixture, company, issue, to: "Closed")
        let again = try fixture.events(EventTopic.issueResolved)
        #expect(again.count == 2)
        #expect(again.last?.payload["resolution_id"] != resolutionID)
    }

    @Test("moves between open statuses publish only transitioned")
    func openMoves() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Steps Co", tier: .premium)
        let issue = try await fixture.createIssue(company)

        let forward = try await Self.transition(fixture, company, issue, to: "in progress")
        let back = try await Self.transition(fixture, company, issue, to: "Open")

        #expect(forward["status"] == "In Progress")
        #expect(back["status"] == "Open")
        #expect(back["resolved_at_ms"] == .null)
        #expect(try fixture.events(EventTopic.issueTransitioned).count == 2)
        #expect(try fixture.events(EventTopic.issueResolved).isEmpty)
        #expect(try fixture.events(EventTopic.issueReopened).isEmpty)
    }

    @Test("rejected moves change nothing")
    func rejectedMoves() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Rules Co", tier: .premium)
        let issue = try await fixture.createIssue(company)

        let skip = await rpcFailure { try await Self.transition(fixture, company, issue, to: "In Review") }
        let same = await rpcFailure { try await Self.transition(fixture, company, issue, to: "Open") }
        let unknown = await rpcFailure { try await Self.transition(fixture, company, issue, to: "Done") }

        #expect(skip?.status == .failedPrecondition)
        #expect(skip?.details?["allowed"] == ["In Progress", "Closed"])
        #expect(same?.status == .failedPrecondition)
        #expect(same?.details?["allowed"] == ["In Progress", "Closed"])
        #expect(unknown?.status == .invalidArgument)
        #expect(unknown?.details?["field"] == "to_status")
        #expect(try fixture.events(EventTopic.issueTransitioned).isEmpty)

        let stored = try await fixture.harness.call(
            "issues.get", ["company_id": .string(company.id), "issue_id": issue["issue_id"] ?? .null], as: company.owner
        )
        #expect(stored["status"] == "Open")
        #expect(stored["updated_at_ms"] == issue["updated_at_ms"])
    }

    @Test("basic workflow resolves on Closed")
    func basicWorkflow() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Basic Flow", tier: .basic)
        let issue = try await fixture.createIssue(company)

        let progressed = try await Self.transition(fixture, company, issue, to: "In Progress")
        let closed = try await Self.transition(fixture, company, issue, to: "Closed")

        #expect(progressed["resolved_at_ms"] == .null)
        #expect(closed["resolved_at_ms"] == .int(fixture.harness.clock.nowMs()))
    }

    @Test("transition writes an audit entry")
    func auditEntry() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Audit Flow")
        let issue = try await fixture.createIssue(company)
        let issueID = try #require(issue["issue_id"]?.stringValue)

        _ = try await Self.transition(fixture, company, issue, to: "In Progress")

        let row = try fixture.harness.store.readSync { connection in
            try connection.queryOne(
                "SELECT before, after FROM audit WHERE target_id = ? AND action = 'issues.transition'",
                [.text(issueID)]
            )
        }
        let before = try JSONParser.parse(try #require(row?.string("before")))
        let after = try JSONParser.parse(try #require(row?.string("after")))
        #expect(before["status"] == "Open")
        #expect(after["status"] == "In Progress")
    }
}

/// Every call on one issue names it by `issue_id` or by `key`.
@Suite("Issues named by key")
struct IssueKeyReferenceTests {
    @Test func everyIssueCallAcceptsTheKey() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Key Co", tier: .premium)
        let issue = try await fixture.createIssue(company)
        let key = try #require(issue["key"])
        func call(_ method: String, _ params: JSONValue) async throws -> JSONValue {
            var members = params.objectValue ?? [:]
            members["company_id"] = .string(company.id)
            members["key"] = key
            return try await fixture.harness.call(method, .object(members), as: company.owner)
        }

        let moved = try await call("issues.transition", ["to_status": "In Progress"])
        let renamed = try await call("issues.update", ["title": "Renamed by key"])
        let assigned = try await call("issues.assign", ["assignee_id": .string(company.owner.userID ?? "")])
        let deleted = try await call("issues.delete", [:])

        #expect(moved["status"] == "In Progress")
        #expect(renamed["title"] == "Renamed by key")
        #expect(assigned["assignee_id"]?.stringValue == company.owner.userID)
        #expect(deleted["issue_id"] == issue["issue_id"])
    }

    @Test func rootNamesTheIssueWithoutTheCompany() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Root Co", tier: .premium)
        let other = try await fixture.provision("Other Co", tier: .premium)
        let issue = try await fixture.createIssue(company)
        let otherIssue = try await fixture.createIssue(other)
        let key = try #require(issue["key"]?.stringValue)

        let byKey = try await fixture.harness.call("issues.get", ["key": .string(key.lowercased())], as: .root)
        let moved = try await fixture.harness.call(
            "issues.transition", ["key": .string(key), "to_status": "In Progress"], as: .root)
        let renamed = try await fixture.harness.call(
            "issues.update", ["issue_id": issue["issue_id"] ?? .null, "title": "Renamed by root"], as: .root)
        let assigned = try await fixture.harness.call(
            "issues.assign", ["key": .string(key), "assignee_id": .null], as: .root)
        let otherByID = try await fixture.harness.call(
            "issues.get", ["issue_id": otherIssue["issue_id"] ?? .null], as: .root)
        let deleted = try await fixture.harness.call("issues.delete", ["key": .string(key)], as: .root)

        #expect(byKey["issue_id"] == issue["issue_id"])
        #expect(moved["status"] == "In Progress")
        #expect(renamed["title"] == "Renamed by root")
        #expect(assigned["assignee_id"] == .null)
        #expect(otherByID["company_id"] == .string(other.id))
        #expect(deleted["issue_id"] == issue["issue_id"])
        for params: JSONValue in [
            ["key": "NOPE-1"], ["issue_id": "iss_missing"], ["issue_id": issue["issue_id"] ?? .null],
        ] {
            let error = await rpcFailure { try await fixture.harness.call("issues.get", params, as: .root) }
            #expect(error?.status == .notFound, "\(JSONWriter.string(params))")
        }
    }

    @Test func aUserStaysInTheirCompanyWithoutCompanyID() async throws {
        let fixture = try WorkspaceFixture()
        let mine = try await fixture.provision("Mine Key Co", tier: .premium)
        let theirs = try await fixture.provision("Theirs Key Co", tier: .premium)
        let theirIssue = try await fixture.createIssue(theirs)

        for params: JSONValue in [["key": theirIssue["key"] ?? .null], ["issue_id": theirIssue["issue_id"] ?? .null]] {
            let error = await rpcFailure { try await fixture.harness.call("issues.get", params, as: mine.owner) }
            #expect(error?.status == .notFound, "\(JSONWriter.string(params))")
        }
    }

    @Test(
        arguments: [
            (["issue_id": "iss_x", "key": "KEY-1"], "key"),
            ([:], "issue_id"),
            (["key": "not a key"], "key"),
        ] as [([String: JSONValue], String)])
    func badReferenceNamesTheMember(reference: [String: JSONValue], field: String) async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Ref Co", tier: .premium)
        var params = reference
        params["company_id"] = .string(company.id)
        params["to_status"] = "Closed"

        let error = await expectFailure(.invalidArgument) {
            try await fixture.harness.call("issues.transition", .object(params), as: company.owner)
        }

        #expect(error?.details?["field"]?.stringValue == field)
    }
}
