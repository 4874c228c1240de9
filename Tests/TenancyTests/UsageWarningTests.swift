import MeshProtocol
import MeshRuntime
import MeshTesting
import TenantModel
import Testing

@testable import Tenancy

@Suite("Usage warnings") struct UsageWarningTests {
    @Test func thresholdsFireOnlyWhenUsageRisesAcrossThem() {
        #expect(UsageThreshold.crossed(from: 3, to: 4, of: 5) == [80])
        #expect(UsageThreshold.crossed(from: 4, to: 5, of: 5) == [100])
        #expect(UsageThreshold.crossed(from: 799, to: 800, of: 1_000) == [80])
        #expect(UsageThreshold.crossed(from: 800, to: 801, of: 1_000) == [])
        #expect(UsageThreshold.crossed(from: 999, to: 1_000, of: 1_000) == [100])
        #expect(UsageThreshold.crossed(from: 0, to: 1, of: 1) == [100])
        #expect(UsageThreshold.crossed(from: 3, to: 5, of: 5) == [100])
        #expect(UsageThreshold.crossed(from: 5, to: 4, of: 5) == [])
        #expect(UsageThreshold.crossed(from: 0, to: 1, of: 0) == [])
    }

    @discardableResult
    func invite(_ email: String, to company: OnboardedCompany, in harness: TenancyHarness) async throws -> JSONValue {
        try await harness.call(
            "users.invite",
            ["company_id": .string(company.companyID), "email": .string(email), "name": "N", "role": "member"],
            as: company.owner
        )
    }

    func warnings(_ harness: TenancyHarness) throws -> [JSONValue] {
        try harness.published().filter { $0.topic == EventTopic.usageThresholdReached }.map(\.payload)
    }

    @Test func fourthAndFifthSeatOfBasicWarnTheOwner() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()

        for index in 2...3 {
            try await invite("user\(index)@tech.example", to: company, in: harness)
        }
        #expect(try warnings(harness).isEmpty)

        for index in 4...5 {
            try await invite("user\(index)@tech.example", to: company, in: harness)
        }

        let found = try warnings(harness)
        #expect(found.map { $0["threshold_percent"] } == [80, 100])
        #expect(found.map { $0["current"] } == [4, 5])
        #expect(found.allSatisfy { $0["limit"] == "users" })
        #expect(found.allSatisfy { $0["allowed"] == 5 })
        #expect(found.allSatisfy { $0["tier"] == "basic" })
        #expect(found.allSatisfy { $0["company_id"]?.stringValue == company.companyID })
        #expect(found.allSatisfy { $0["day"] == .null })
    }

    @Test func customFieldsWarnAtFourAndFive() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        func configure(fields count: Int) async throws {
            let fields: [JSONValue] = (0..<count).map { ["name": .string("Field \($0)"), "type": "text"] }
            _ = try await harness.call(
                "companies.configure",
                ["company_id": .string(company.companyID), "settings": ["custom_fields": .array(fields)]],
                as: company.owner
            )
        }

        try await configure(fields: 3)
        #expect(try warnings(harness).isEmpty)
        // Two fields at once cross both thresholds: the 100% warning alone covers both, once.
        try await configure(fields: 5)
        try await configure(fields: 5)

        let found = try warnings(harness)
        #expect(found.map { $0["threshold_percent"] } == [100])
        #expect(found.allSatisfy { $0["current"] == 5 })
        #expect(found.allSatisfy { $0["limit"] == "custom_fields" })
        #expect(found.allSatisfy { $0["allowed"] == 5 })
    }

    @Test func refusedSeatWarnsNothing() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        for index in 2...5 {
            try await invite("user\(index)@tech.example", to: company, in: harness)
        }

        _ = await expectFailure(.resourceExhausted) {
            try await invite("six@tech.example", to: company, in: harness)
        }

        #expect(try warnings(harness).count == 2)
    }

    @Test func eightHundredthIssueOfBasicWarns() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Busy Co", tier: .basic)
        try IssueLimitTests.insertIssues(798, company: company, fixture: fixture)

        _ = try await fixture.createIssue(company, title: "799th")
        #expect(try warnings(fixture.harness).isEmpty)
        _ = try await fixture.createIssue(company, title: "800th")

        let found = try warnings(fixture.harness)
        #expect(found.count == 1)
        #expect(found.first?["limit"] == "issues")
        #expect(found.first?["threshold_percent"] == 80)
        #expect(found.first?["current"] == 800)
        #expect(found.first?["allowed"] == 1_000)
    }
}
