import MeshProtocol
import MeshRuntime
import TenantModel
import Testing

@testable import Tenancy

@Suite("Issue listing")
struct IssueListTests {
    static func list(_ fixture: WorkspaceFixture, _ company: WorkspaceFixture.Company, _ params: [String: JSONValue])
        async throws -> JSONValue
    {
        var members = params
        members["company_id"] = .string(company.id)
        return try await fixture.harness.call("issues.list", .object(members), as: company.owner)
    }

    static func titles(_ page: JSONValue) -> [String] {
        page["issues"]?.arrayValue?.compactMap { $0["title"]?.stringValue } ?? []
    }

    @Test("each filter narrows the list")
    func filters() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Filter Co")
        let member = try await fixture.invite(company)
        let teamID = try await fixture.createTeam(company, name: "Web")
        let assignee = JSONValue.string(member.userID ?? "")

        try await fixture.createIssue(
            company, title: "bug high web", extra: ["type": "Bug", "priority": "High", "team_id": .string(teamID)])
        try await fixture.createIssue(
            company, title: "bug low mine", extra: ["type": "Bug", "priority": "Low", "assignee_id": assignee])
        let feature = try await fixture.createIssue(
            company, title: "feature web mine",
            extra: ["type": "Feature", "team_id": .string(teamID), "assignee_id": assignee])
        try await fixture.createIssue(company, title: "task plain")
        _ = try await fixture.harness.call(
            "issues.transition",
            ["company_id": .string(company.id), "issue_id": feature["issue_id"] ?? .null, "to_status": "In Progress"],
            as: company.owner
        )

        #expect(
            Self.titles(try await Self.list(fixture, company, [:])) == [
                "bug high web", "bug low mine", "feature web mine", "task plain",
            ])
        #expect(
            Self.titles(try await Self.list(fixture, company, ["type": "Bug"])) == ["bug high web", "bug low mine"])
        #expect(
            Self.titles(try await Self.list(fixture, company, ["priority": "Medium"])) == [
                "feature web mine", "task plain",
            ])
        #expect(
            Self.titles(try await Self.list(fixture, company, ["team_id": .string(teamID)])) == [
                "bug high web", "feature web mine",
            ])
        #expect(
            Self.titles(try await Self.list(fixture, company, ["assignee_id": assignee])) == [
                "bug low mine", "feature web mine",
            ])
        #expect(Self.titles(try await Self.list(fixture, company, ["status": "In Progress"])) == ["feature web mine"])
        #expect(
            Self.titles(try await Self.list(fixture, company, ["status": "Open", "assignee_id": assignee])) == [
                "bug low mine"
            ])
        #expect(Self.titles(try await Self.list(fixture, company, ["type": "Epic"])) == [])
        #expect(
            Self.titles(try await Self.list(fixture, company, ["assignee_id": .null])) == [
                "bug high web", "task plain",
            ])
        #expect(
            Self.titles(try await Self.list(fixture, company, ["team_id": .null])) == [
                "bug low mine", "task plain",
            ])
        #expect(
            Self.titles(try await Self.list(fixture, company, ["team_id": .null, "assignee_id": .null])) == [
                "task plain"
            ])
    }

    @Test("filters match names ignoring case and reject unknown ones")
    func filterNames() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Names Co")
        try await fixture.createIssue(company, title: "a bug", extra: ["type": "Bug"])

        #expect(Self.titles(try await Self.list(fixture, company, ["type": "bug", "status": "OPEN"])) == ["a bug"])

        let error = await expectFailure(.invalidArgument) {
            try await Self.list(fixture, company, ["status": "Nope"])
        }
        #expect(error?.details?["field"] == "status")
        #expect(error?.details?["allowed"] == ["Open", "In Progress", "Closed"])
    }

    @Test("unknown team or assignee ids are not found", arguments: ["team_id", "assignee_id"])
    func unknownIDFilters(field: String) async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Ids Co")
        let other = try await fixture.provision("Other Co")
        let otherTeam = try await fixture.harness.call(
            "teams.create", ["company_id": .string(other.id), "name": "Theirs"], as: other.owner)
        let foreignID = field == "team_id" ? otherTeam["team_id"] ?? .null : .string(other.owner.userID ?? "")

        for value in [foreignID, "garbage"] {
            let error = await expectFailure(.notFound) {
                try await Self.list(fixture, company, [field: value])
            }
            #expect(error?.details?["kind"] == (field == "team_id" ? "team" : "user"))
        }
    }

    @Test("deleted issues are not listed")
    func deletedHidden() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Hidden Co")
        let doomed = try await fixture.createIssue(company, title: "doomed")
        try await fixture.createIssue(company, title: "kept")

        _ = try await fixture.harness.call(
            "issues.delete", ["company_id": .string(company.id), "issue_id": doomed["issue_id"] ?? .null],
            as: company.owner
        )

        #expect(Self.titles(try await Self.list(fixture, company, [:])) == ["kept"])
    }

    @Test("pages have no duplicates or gaps while issues are added")
    func paginationWhileAdding() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Paging Co")
        for index in 0..<20 {
            try await fixture.createIssue(company, title: "issue \(index)")
        }

        var seen: [Int64] = []
        var cursor: JSONValue = .null
        var pages = 0
        repeat {
            var params: [String: JSONValue] = ["limit": 7]
            if cursor != .null {
                params["cursor"] = cursor
            }
            let page = try await Self.list(fixture, company, params)
            seen += page["issues"]?.arrayValue?.compactMap { $0["number"]?.intValue } ?? []
            cursor = page["next_cursor"] ?? .null
            pages += 1

            // Issues created between pages have higher numbers, so they appear on a later page.
            if pages <= 3 {
                try await fixture.createIssue(company, title: "added after page \(pages)")
            }
        } while cursor != .null && pages < 20

        #expect(seen == Array(1...23))
        #expect(pages == 4)
    }

    @Test("last page has null cursor")
    func exactPage() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Exact Co")
        for index in 0..<4 {
            try await fixture.createIssue(company, title: "issue \(index)")
        }

        let first = try await Self.list(fixture, company, ["limit": 2])
        let second = try await Self.list(fixture, company, ["limit": 2, "cursor": first["next_cursor"] ?? .null])

        #expect(first["next_cursor"] == "n:2")
        #expect(Self.titles(second) == ["issue 2", "issue 3"])
        #expect(second["next_cursor"] == nil)
    }

    @Test("default page size is 50")
    func defaultLimit() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Default Co")
        try IssueLimitTests.insertIssues(60, company: company, fixture: fixture)

        let page = try await Self.list(fixture, company, [:])

        #expect(page["issues"]?.arrayValue?.count == 50)
        #expect(page["next_cursor"] == "n:50")
    }

    @Test("malformed cursor rejected", arguments: ["", "abc", "n:", "n:-1", "n:1x", "n: 5", "n:01", "42"])
    func malformedCursor(cursor: String) async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Cursor Co")

        let error = await rpcFailure { try await Self.list(fixture, company, ["cursor": .string(cursor)]) }

        #expect(error?.status == .invalidArgument)
        #expect(error?.details?["field"] == "cursor")
    }

    @Test("limit out of range rejected", arguments: [0, -1, 201])
    func limitOutOfRange(limit: Int) async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Limit Co")

        let error = await rpcFailure { try await Self.list(fixture, company, ["limit": .int(Int64(limit))]) }

        #expect(error?.status == .invalidArgument)
        #expect(error?.details?["field"] == "limit")
    }
}
