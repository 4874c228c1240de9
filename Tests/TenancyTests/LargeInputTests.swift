import MeshProtocol
import MeshRuntime
import TenantModel
import Testing

@testable import Tenancy

/// Inputs that would make issues, settings or pages too large for a frame, and names that would disguise
/// text, are refused or split.
@Suite("Large inputs")
struct LargeInputTests {
    @Test(
        arguments: [
            (["types": .array((0..<51).map { .string("Type \($0)") })] as JSONValue, "settings.types"),
            (["statuses": ["Open", "Do\nne"]] as JSONValue, "settings.statuses[1]"),
            (["priorities": ["\u{7}Low", "High"]] as JSONValue, "settings.priorities[0]"),
            (["types": ["Bu\u{202E}g"]] as JSONValue, "settings.types[0]"),
            (
                ["custom_fields": [["name": "a\nb", "type": "text"]]] as JSONValue,
                "settings.custom_fields[0].name"
            ),
            (
                ["custom_fields": [["name": "Env", "type": "select", "options": ["x\ty"]]]] as JSONValue,
                "settings.custom_fields[0].options[0]"
            ),
            (
                [
                    "custom_fields": [
                        ["name": "Env", "type": "select", "options": [.string(String(repeating: "y", count: 51))]]
                    ]
                ] as JSONValue,
                "settings.custom_fields[0].options[0]"
            ),
        ]
    )
    func settingsNamesAreBounded(settings: JSONValue, field: String) async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Bounded Co", tier: .platinum)

        let error = await rpcFailure { try await fixture.configureReturning(company, settings) }

        #expect(error?.status == .invalidArgument)
        let fields = error?.details?["problems"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
        #expect(fields.contains(field), "\(fields)")
    }

    @Test func settingsAreBoundedWhateverTheTier() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Huge Settings Co", tier: .platinum)
        let options: [JSONValue] = (0..<50).map { .string(String(repeating: "😀", count: 48) + "\($0)") }
        let fields: [JSONValue] = (0..<30).map {
            ["name": .string("Field \($0)"), "type": "select", "options": .array(options)]
        }

        // 30 fields of 50 options of about 200 bytes each take about 300 KB, past the 256 KB bound.
        let error = await rpcFailure {
            try await fixture.configureReturning(company, ["custom_fields": .array(fields)])
        }

        #expect(error?.status == .invalidArgument)
        #expect(error?.details?["field"] == "settings")
    }

    @Test func customFieldValuesAreBoundedTogether() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Many Fields Co", tier: .platinum)
        let fields: [JSONValue] = (0..<12).map { ["name": .string("Notes \($0)"), "type": "text"] }
        try await fixture.configure(company, ["custom_fields": .array(fields)])
        let long = String(repeating: "😀", count: 10_000)
        var values: [String: JSONValue] = [:]
        for index in 0..<3 {
            values["Notes \(index)"] = .string(long)
        }

        // Three values of 40,000 bytes each pass the 100,000 bytes an issue's values may take.
        let error = await rpcFailure {
            try await fixture.createIssue(company, extra: ["custom_fields": .object(values)])
        }

        #expect(error?.status == .invalidArgument)
        #expect(error?.message.contains("at most 100000") == true)
    }

    @Test func valueOfARemovedFieldCanBeCleared() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Removed Field Co", tier: .premium)
        try await fixture.configure(company, ["custom_fields": [["name": "Blocker", "type": "boolean"]]])
        let issue = try await fixture.createIssue(company, extra: ["custom_fields": ["Blocker": false]])
        try await fixture.configure(company, ["custom_fields": []])

        let updated = try await fixture.harness.call(
            "issues.update",
            ["company_id": .string(company.id), "issue_id": issue["issue_id"]!, "custom_fields": ["Blocker": nil]],
            as: company.owner)

        #expect(updated["custom_fields"] == [:])
    }

    @Test func pagesOfLargeIssuesEndEarly() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Long Stories Co", tier: .premium)
        let description = String(repeating: "😀", count: 50_000)
        for index in 0..<3 {
            try await fixture.createIssue(
                company, title: "Story \(index)", extra: ["description": .string(description)])
        }

        // Each issue takes about 200 KB, so a 512 KB page has room for two of them.
        let first = try await fixture.harness.call(
            "issues.list", ["company_id": .string(company.id), "limit": 50], as: company.owner)
        #expect(first["issues"]?.arrayValue?.count == 2)
        let cursor = try #require(first["next_cursor"]?.stringValue)
        let second = try await fixture.harness.call(
            "issues.list", ["company_id": .string(company.id), "limit": 50, "cursor": .string(cursor)],
            as: company.owner)
        #expect(second["issues"]?.arrayValue?.count == 1)
        #expect(second["next_cursor"] == nil)

        let audit = try await fixture.harness.call(
            "audit.list", ["company_id": .string(company.id), "limit": 50], as: company.owner)
        #expect(audit["entries"]?.arrayValue?.count == 2)
        #expect(audit["next_cursor"]?.stringValue != nil)
    }

    @Test func escapedTextsCountTheirJSONSize() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Quoted Co", tier: .premium)
        // A quote takes two bytes as JSON, so each description takes about 19.5 KB in a reply.
        let description = String(repeating: "\"", count: 9_727)
        for index in 0..<50 {
            try await fixture.createIssue(
                company, title: "Quoted \(index)", extra: ["description": .string(description)])
        }

        let page = try await fixture.harness.call(
            "issues.list", ["company_id": .string(company.id), "limit": 50], as: company.owner)

        let count = try #require(page["issues"]?.arrayValue?.count)
        #expect(count < 50)
        #expect(page["next_cursor"]?.stringValue != nil)
        #expect(JSONWriter.string(page).utf8.count <= PageBudget.bytes + 64 * 1024)
    }
}

extension WorkspaceFixture {
    /// Configures the company as root and returns the result.
    func configureReturning(_ company: Company, _ settings: JSONValue) async throws -> JSONValue {
        try await harness.call(
            "companies.configure", ["company_id": .string(company.id), "settings": settings], as: .root)
    }
}

/// A type or priority the company removed stays on its issues, and the list can still find them.
@Suite("Removed names")
struct RemovedNameTests {
    @Test func removedTypeCanStillBeFiltered() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Removed Type Co", tier: .premium)
        try await fixture.configure(company, ["types": ["Bug", "Epic"]])
        let epic = try await fixture.createIssue(company, extra: ["type": "Epic"])
        try await fixture.configure(company, ["types": ["Bug"]])

        let listed = try await fixture.harness.call(
            "issues.list", ["company_id": .string(company.id), "type": "epic"], as: company.owner)
        let typo = await rpcFailure {
            try await fixture.harness.call(
                "issues.list", ["company_id": .string(company.id), "type": "Epik"], as: company.owner)
        }

        #expect(listed["issues"]?.arrayValue?.map { $0["issue_id"] } == [epic["issue_id"]])
        #expect(typo?.status == .invalidArgument)
        // The names the filter takes include the one its issues still carry.
        #expect(typo?.details?["allowed"] == ["Bug", "Epic"])
    }

    @Test func removedTypeSentBackChangesNothing() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Kept Type Co", tier: .premium)
        try await fixture.configure(company, ["types": ["Bug", "Epic"]])
        let epic = try await fixture.createIssue(company, extra: ["type": "Epic"])
        try await fixture.configure(company, ["types": ["Bug"]])

        let updated = try await fixture.harness.call(
            "issues.update",
            ["company_id": .string(company.id), "issue_id": epic["issue_id"] ?? .null, "type": "epic"],
            as: company.owner)
        let moved = await rpcFailure {
            try await fixture.harness.call(
                "issues.update",
                ["company_id": .string(company.id), "issue_id": epic["issue_id"] ?? .null, "type": "Story"],
                as: company.owner)
        }

        #expect(updated["type"] == "Epic")
        #expect(updated["updated_at_ms"] == epic["updated_at_ms"])
        #expect(moved?.status == .invalidArgument)
    }
}

/// Pages of companies with large settings end early, like pages of issues.
@Suite("Company pages")
struct CompanyPageTests {
    @Test func pagesOfLargeSettingsEndEarly() async throws {
        let fixture = try WorkspaceFixture()
        let options: [JSONValue] = (0..<50).map { .string(String(repeating: "😀", count: 47) + "\($0)") }
        let fields: [JSONValue] = (0..<20).map {
            ["name": .string("Field \($0)"), "type": "select", "options": .array(options)]
        }
        for index in 0..<3 {
            let company = try await fixture.provision("Big Settings \(index)", tier: .platinum)
            try await fixture.configure(company, ["custom_fields": .array(fields)])
        }

        // Each company's settings take about 200 KB, so a 512 KB page has room for two of them.
        let first = try await fixture.harness.call("companies.list", ["limit": 50])
        #expect(first["companies"]?.arrayValue?.count == 2)
        let cursor = try #require(first["next_cursor"]?.stringValue)
        let second = try await fixture.harness.call("companies.list", ["limit": 50, "cursor": .string(cursor)])
        #expect(second["companies"]?.arrayValue?.count == 1)
        #expect(second["next_cursor"] == nil)
    }
}
