import MeshProtocol
import MeshRuntime
import TenantModel
import Testing

@testable import Tenancy

/// A user of company A reaching for company B's data gets NOT_FOUND from every team and issue method,
/// whether B's id is the company id or an id inside A's own company scope.
@Suite("Issue and team isolation")
struct IssueCrossCompanyTests {
    @Test("other company's ids are not found")
    func otherCompanyNotFound() async throws {
        let fixture = try WorkspaceFixture()
        let mine = try await fixture.provision("Mine Co")
        let theirs = try await fixture.provision("Theirs Co")
        let myUser = try await fixture.invite(mine)
        let theirUser = try await fixture.invite(theirs)
        let myTeam = try await fixture.createTeam(mine, name: "Shared Name")
        let theirTeam = try await fixture.createTeam(theirs, name: "Shared Name")
        let myIssue = try await fixture.createIssue(mine)
        let theirIssue = try await fixture.createIssue(theirs)
        let publishedBefore = try fixture.harness.published().count

        let A = JSONValue.string(mine.id)
        let B = JSONValue.string(theirs.id)
        let theirIssueID = theirIssue["issue_id"] ?? .null
        let theirTeamID = JSONValue.string(theirTeam)
        let theirUserID = JSONValue.string(theirUser.userID ?? "")

        let calls: [(String, JSONValue)] = [
            // Company B named directly.
            ("teams.create", ["company_id": B, "name": "Intruders"]),
            ("teams.list", ["company_id": B]),
            ("teams.addMember", ["company_id": B, "team_id": theirTeamID, "user_id": theirUserID]),
            ("teams.removeMember", ["company_id": B, "team_id": theirTeamID, "user_id": theirUserID]),
            ("issues.create", ["company_id": B, "title": "x", "type": "Task"]),
            ("issues.get", ["company_id": B, "issue_id": theirIssueID]),
            ("issues.get", ["company_id": B, "key": theirIssue["key"] ?? .null]),
            ("issues.list", ["company_id": B]),
            ("issues.update", ["company_id": B, "issue_id": theirIssueID, "title": "hijacked"]),
            ("issues.transition", ["company_id": B, "issue_id": theirIssueID, "to_status": "Closed"]),
            ("issues.assign", ["company_id": B, "issue_id": theirIssueID, "assignee_id": .null]),
            ("issues.delete", ["company_id": B, "issue_id": theirIssueID]),
            // Company A named, with ids that belong to B.
            ("teams.addMember", ["company_id": A, "team_id": theirTeamID, "user_id": .string(myUser.userID ?? "")]),
            ("teams.addMember", ["company_id": A, "team_id": .string(myTeam), "user_id": theirUserID]),
            ("teams.removeMember", ["company_id": A, "team_id": theirTeamID, "user_id": theirUserID]),
            ("issues.create", ["company_id": A, "title": "x", "type": "Task", "team_id": theirTeamID]),
            ("issues.create", ["company_id": A, "title": "x", "type": "Task", "assignee_id": theirUserID]),
            ("issues.get", ["company_id": A, "issue_id": theirIssueID]),
            ("issues.get", ["company_id": A, "key": theirIssue["key"] ?? .null]),
            ("issues.update", ["company_id": A, "issue_id": theirIssueID, "title": "hijacked"]),
            ("issues.update", ["company_id": A, "issue_id": myIssue["issue_id"] ?? .null, "team_id": theirTeamID]),
            ("issues.transition", ["company_id": A, "issue_id": theirIssueID, "to_status": "Closed"]),
            ("issues.assign", ["company_id": A, "issue_id": theirIssueID, "assignee_id": .null]),
            ("issues.assign", ["company_id": A, "issue_id": myIssue["issue_id"] ?? .null, "assignee_id": theirUserID]),
            ("issues.delete", ["company_id": A, "issue_id": theirIssueID]),
        ]

        for (method, params) in calls {
            let error = await rpcFailure { try await fixture.harness.call(method, params, as: mine.owner) }
            #expect(error?.status == .notFound, "\(method) \(JSONWriter.string(params))")
        }

        // Both companies have an issue number 1, so only the key prefix distinguishes the two keys.
        #expect(theirIssue["number"] == myIssue["number"])
        #expect(try fixture.harness.published().count == publishedBefore)
        let stored = try await fixture.harness.call(
            "issues.get", ["company_id": B, "issue_id": theirIssueID], as: theirs.owner
        )
        #expect(stored == theirIssue)
        let theirTeams = try await fixture.harness.call("teams.list", ["company_id": B], as: theirs.owner)
        #expect(theirTeams["teams"]?.arrayValue?.first?["member_ids"] == [])
    }

    @Test("filters never reach another company")
    func listFiltersScoped() async throws {
        let fixture = try WorkspaceFixture()
        let mine = try await fixture.provision("Scoped Mine")
        let theirs = try await fixture.provision("Scoped Theirs")
        let theirTeam = try await fixture.createTeam(theirs, name: "Hidden")
        try await fixture.createIssue(theirs, extra: ["team_id": .string(theirTeam)])

        // Another company's team is not found, exactly like an id that exists nowhere.
        let theirError = await expectFailure(.notFound) {
            try await fixture.harness.call(
                "issues.list", ["company_id": .string(mine.id), "team_id": .string(theirTeam)], as: mine.owner)
        }
        let madeUpError = await expectFailure(.notFound) {
            try await fixture.harness.call(
                "issues.list", ["company_id": .string(mine.id), "team_id": "team_made_up"], as: mine.owner)
        }
        #expect(theirError?.details?["kind"] == madeUpError?.details?["kind"])
        #expect(theirError?.message.replacingOccurrences(of: theirTeam, with: "team_made_up") == madeUpError?.message)
    }
}
