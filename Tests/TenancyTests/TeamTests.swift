import MeshProtocol
import MeshRuntime
import TenantModel
import Testing

@testable import Tenancy

@Suite("Teams")
struct TeamTests {
    static func member(
        _ method: String,
        _ fixture: WorkspaceFixture,
        _ company: WorkspaceFixture.Company,
        team: String,
        user: Caller
    ) async throws -> JSONValue {
        try await fixture.harness.call(
            method,
            ["company_id": .string(company.id), "team_id": .string(team), "user_id": .string(user.userID ?? "")],
            as: company.owner
        )
    }

    @Test("names unique per company ignoring case")
    func uniqueNames() async throws {
        let fixture = try WorkspaceFixture()
        let first = try await fixture.provision("First Co")
        let second = try await fixture.provision("Second Co")

        _ = try await fixture.createTeam(first, name: "Platform")
        let duplicate = await rpcFailure {
            try await fixture.harness.call(
                "teams.create", ["company_id": .string(first.id), "name": "  platform "], as: first.owner
            )
        }
        let elsewhere = try await fixture.createTeam(second, name: "Platform")

        #expect(duplicate?.status == .alreadyExists)
        #expect(duplicate?.details?["existing"] == "Platform")
        #expect(!elsewhere.isEmpty)
    }

    @Test("names compare across scripts and Unicode spellings")
    func uniqueUnicodeNames() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Unicode Co")

        // Sent as e plus a combining acute accent; stored as the single code point é.
        let team = try await fixture.harness.call(
            "teams.create", ["company_id": .string(company.id), "name": "Cafe\u{301}"], as: company.owner)
        #expect(team["name"]?.stringValue?.unicodeScalars.count == 4)

        _ = try await fixture.createTeam(company, name: "Équipe")
        _ = try await fixture.createTeam(company, name: "ΣΊΣΥΦΟΣ")
        _ = try await fixture.createTeam(company, name: "Straße")
        for spelling in ["CAFÉ", "café", "e\u{301}quipe", "ÉQUIPE", "σίσυφος", "STRASSE"] {
            let duplicate = await rpcFailure {
                try await fixture.harness.call(
                    "teams.create", ["company_id": .string(company.id), "name": .string(spelling)], as: company.owner)
            }
            #expect(duplicate?.status == .alreadyExists, "\(spelling) was accepted as a new name")
        }
    }

    @Test("invalid names rejected", arguments: ["", "   ", String(repeating: "n", count: 101)])
    func invalidName(name: String) async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Names Co")

        let error = await rpcFailure {
            try await fixture.harness.call(
                "teams.create", ["company_id": .string(company.id), "name": .string(name)], as: company.owner
            )
        }

        #expect(error?.status == .invalidArgument)
        #expect(error?.details?["field"] == "name")
    }

    @Test("empty team id rejected as invalid")
    func emptyTeamID() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Empty Id Co")

        let error = await rpcFailure {
            try await Self.member("teams.addMember", fixture, company, team: "", user: company.owner)
        }

        #expect(error?.status == .invalidArgument)
        #expect(error?.details?["kind"] == "team")
        #expect(error?.message == "the team id is empty; pass the id of a team")
    }

    @Test("members in several teams")
    func membership() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Members Co")
        let alice = try await fixture.invite(company)
        let bob = try await fixture.invite(company)
        let web = try await fixture.createTeam(company, name: "Web")
        let api = try await fixture.createTeam(company, name: "API")

        _ = try await Self.member("teams.addMember", fixture, company, team: web, user: alice)
        _ = try await Self.member("teams.addMember", fixture, company, team: web, user: bob)
        let apiTeam = try await Self.member("teams.addMember", fixture, company, team: api, user: alice)
        let twice = await rpcFailure {
            try await Self.member("teams.addMember", fixture, company, team: api, user: alice)
        }

        #expect(apiTeam["member_ids"] == [.string(alice.userID ?? "")])
        #expect(twice?.status == .alreadyExists)

        let list = try await fixture.harness.call("teams.list", ["company_id": .string(company.id)], as: alice)
        let teams = list["teams"]?.arrayValue ?? []
        #expect(list["count"] == 2)
        #expect(teams.map { $0["name"] } == ["API", "Web"])
        #expect(teams.map { $0["member_count"] } == [1, 2])
        let webMembers = Set(teams.last?["member_ids"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        #expect(webMembers == [alice.userID ?? "", bob.userID ?? ""])
    }

    @Test("list pages by name")
    func listPages() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Paged Teams Co")
        for name in ["delta", "Alpha", "charlie", "Echo", "bravo"] {
            _ = try await fixture.createTeam(company, name: name)
        }

        var names: [JSONValue] = []
        var counts: [JSONValue] = []
        var cursor: JSONValue = .null
        var pages = 0
        repeat {
            var params: [String: JSONValue] = ["company_id": .string(company.id), "limit": 2]
            if cursor != .null {
                params["cursor"] = cursor
            }
            let page = try await fixture.harness.call("teams.list", .object(params), as: company.owner)
            names += page["teams"]?.arrayValue?.compactMap { $0["name"] } ?? []
            counts.append(page["count"] ?? .null)
            cursor = page["next_cursor"] ?? .null
            pages += 1
        } while cursor != .null && pages < 10

        let badCursor = await rpcFailure {
            try await fixture.harness.call(
                "teams.list", ["company_id": .string(company.id), "cursor": "team_nope"], as: company.owner)
        }

        #expect(names == ["Alpha", "bravo", "charlie", "delta", "Echo"])
        #expect(pages == 3)
        #expect(counts == [5, 5, 5])
        #expect(badCursor?.status == .invalidArgument)
        #expect(badCursor?.details?["field"] == "cursor")
    }

    @Test("remove member")
    func removeMember() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Remove Co")
        let carol = try await fixture.invite(company)
        let team = try await fixture.createTeam(company, name: "Support")
        _ = try await Self.member("teams.addMember", fixture, company, team: team, user: carol)

        let after = try await Self.member("teams.removeMember", fixture, company, team: team, user: carol)
        let again = await rpcFailure {
            try await Self.member("teams.removeMember", fixture, company, team: team, user: carol)
        }

        #expect(after["member_ids"] == [])
        #expect(after["member_count"] == 0)
        #expect(again?.status == .notFound)
    }

    @Test("member must be a working user of the company")
    func memberChecks() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Checks Co")
        let other = try await fixture.provision("Other Co")
        let outsider = try await fixture.invite(other)
        let leaver = try await fixture.invite(company)
        try await fixture.deactivate(leaver, in: company)
        let team = try await fixture.createTeam(company, name: "QA")

        let foreign = await rpcFailure {
            try await Self.member("teams.addMember", fixture, company, team: team, user: outsider)
        }
        let deactivated = await rpcFailure {
            try await Self.member("teams.addMember", fixture, company, team: team, user: leaver)
        }
        let unknownTeam = await rpcFailure {
            try await Self.member("teams.addMember", fixture, company, team: "team_missing", user: company.owner)
        }

        #expect(foreign?.status == .notFound)
        #expect(deactivated?.status == .failedPrecondition)
        #expect(unknownTeam?.status == .notFound)
    }

    @Test("team events and audit")
    func eventsAndAudit() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Events Team Co")
        let dave = try await fixture.invite(company)
        let now = fixture.harness.clock.nowMs()
        let team = try await fixture.createTeam(company, name: "Infra")
        _ = try await Self.member("teams.addMember", fixture, company, team: team, user: dave)
        _ = try await Self.member("teams.removeMember", fixture, company, team: team, user: dave)

        #expect(
            try fixture.events(EventTopic.teamCreated).map(\.payload) == [
                ["company_id": .string(company.id), "team_id": .string(team), "name": "Infra", "at_ms": .int(now)]
            ])
        let membership: JSONValue = [
            "company_id": .string(company.id), "team_id": .string(team), "user_id": .string(dave.userID ?? ""),
            "at_ms": .int(now),
        ]
        #expect(try fixture.events(EventTopic.teamMemberAdded).map(\.payload) == [membership])
        #expect(try fixture.events(EventTopic.teamMemberRemoved).map(\.payload) == [membership])

        let actions = try fixture.harness.store.readSync { connection in
            try connection.query("SELECT action FROM audit WHERE target_id = ? ORDER BY seq", [.text(team)])
                .compactMap { $0.string("action") }
        }
        #expect(actions == ["teams.create", "teams.addMember", "teams.removeMember"])
    }

    @Test("member cannot manage teams")
    func memberRejected() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Perm Co")
        let member = try await fixture.invite(company)

        let error = await rpcFailure {
            try await fixture.harness.call(
                "teams.create", ["company_id": .string(company.id), "name": "Mine"], as: member)
        }

        #expect(error?.status == .permissionDenied)
    }

    @Test("export holds teams and issues")
    func export() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Export Co")
        let erin = try await fixture.invite(company)
        let team = try await fixture.createTeam(company, name: "Data")
        _ = try await Self.member("teams.addMember", fixture, company, team: team, user: erin)
        try await fixture.createIssue(company, title: "kept")
        let gone = try await fixture.createIssue(company, title: "gone")
        _ = try await fixture.harness.call(
            "issues.delete", ["company_id": .string(company.id), "issue_id": gone["issue_id"] ?? .null],
            as: company.owner
        )

        let export = try fixture.harness.store.readSync { connection in
            let record = try #require(try CompanyRecord.load(company.id, in: connection))
            return try CompanyExport.local(record, atMs: fixture.harness.clock.nowMs(), in: connection)["workspace"]
                ?? .null
        }

        #expect(export["teams"]?.arrayValue?.first?["member_ids"] == [.string(erin.userID ?? "")])
        #expect(export["issues"]?.arrayValue?.compactMap { $0["title"]?.stringValue } == ["kept", "gone"])
        #expect(export["issues"]?.arrayValue?.first?["deleted_at_ms"] == .null)
        #expect(export["issues"]?.arrayValue?.last?["deleted_at_ms"] == .int(fixture.harness.clock.nowMs()))
        #expect(export["last_issue_number"] == 2)
    }
}
