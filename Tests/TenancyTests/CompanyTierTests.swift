import MeshProtocol
import MeshRuntime
import MeshTesting
import TenantModel
import Testing

@testable import Tenancy

@Suite("Tier changes") struct CompanyTierTests {
    struct DowngradeCase: Sendable, CustomStringConvertible {
        let from: String
        let to: String
        let users: Int
        let customFields: Int
        let integrations: [String]
        let statuses: [String]?
        let issues: Int
        let expected: Set<String>
        var description: String { "\(from) to \(to): \(expected.sorted())" }
    }

    static let downgrades: [DowngradeCase] = [
        DowngradeCase(
            from: "premium", to: "basic", users: 6, customFields: 6, integrations: ["email", "slack_webhook"],
            statuses: ["Todo", "Doing", "Done"], issues: 1_001,
            expected: ["users", "issues", "custom_fields", "integrations", "statuses"]
        ),
        DowngradeCase(
            from: "platinum", to: "premium", users: 26, customFields: 26, integrations: ["email", "sso"],
            statuses: nil, issues: 0, expected: ["users", "custom_fields", "integrations"]
        ),
        DowngradeCase(
            from: "platinum", to: "basic", users: 2, customFields: 0, integrations: ["webhook"], statuses: nil,
            issues: 0, expected: ["integrations", "statuses"]
        ),
        DowngradeCase(
            from: "premium", to: "basic", users: 5, customFields: 5, integrations: ["email"],
            statuses: ["Open", "In Progress", "Closed"], issues: 3, expected: []
        ),
    ]

    @Test(arguments: downgrades)
    func downgradeIsCheckedAgainstEveryTargetLimit(_ downgrade: DowngradeCase) async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard(tier: downgrade.from)
        try await fill(harness, company, downgrade)

        let params: JSONValue = ["company_id": .string(company.companyID), "tier": .string(downgrade.to)]
        guard !downgrade.expected.isEmpty else {
            let changed = try await harness.call("companies.changeTier", params, as: company.owner)
            #expect(changed["from_tier"]?.stringValue == downgrade.from)
            #expect(changed["company"]?["tier"]?.stringValue == downgrade.to)
            return
        }

        let error = await expectFailure(.failedPrecondition) {
            try await harness.call("companies.changeTier", params, as: company.owner)
        }
        let violations = error?.details?["violations"]?.arrayValue ?? []
        #expect(Set(violations.compactMap { $0["limit"]?.stringValue }) == downgrade.expected)
        for violation in violations {
            #expect(violation["action"]?.stringValue?.isEmpty == false)
            #expect(violation["current"] != nil)
            #expect(violation["allowed"] != nil)
        }
        if let users = violations.first(where: { $0["limit"] == "users" }) {
            #expect(users["current"]?.intValue == Int64(downgrade.users))
            #expect(users["allowed"]?.intValue == Int64(Tier(rawValue: downgrade.to)!.maximumUsers!))
        }
        if let issues = violations.first(where: { $0["limit"] == "issues" }) {
            #expect(issues["current"]?.intValue == Int64(downgrade.issues))
        }
        if let integrations = violations.first(where: { $0["limit"] == "integrations" }) {
            let webhook = downgrade.integrations.contains { $0.hasSuffix("webhook") }
            #expect(integrations["action"]?.stringValue?.contains("webhook_url null") == webhook)
        }

        let stored = try await harness.call("companies.get", ["company_id": .string(company.companyID)])
        #expect(stored["tier"]?.stringValue == downgrade.from)
        #expect(try !harness.published().contains { $0.topic == EventTopic.companyTierChanged })
    }

    /// Brings a company to the usage a case describes, through the public methods.
    func fill(_ harness: TenancyHarness, _ company: OnboardedCompany, _ downgrade: DowngradeCase) async throws {
        for index in 1..<downgrade.users {
            _ = try await harness.call(
                "users.invite",
                ["company_id": .string(company.companyID), "email": .string("u\(index)@tech.example"), "name": "U"],
                as: company.owner
            )
        }

        var settings: [String: JSONValue] = [
            "integrations": .array(downgrade.integrations.map { .string($0) }),
            "custom_fields": .array(
                (0..<downgrade.customFields).map { ["name": .string("field \($0)"), "type": "text"] }),
        ]
        if let statuses = downgrade.statuses {
            settings["statuses"] = .array(statuses.map { .string($0) })
        }
        _ = try await harness.call(
            "companies.configure", ["company_id": .string(company.companyID), "settings": .object(settings)],
            as: company.owner
        )

        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<downgrade.issues {
                group.addTask {
                    _ = try await harness.call(
                        "issues.create",
                        ["company_id": .string(company.companyID), "title": .string("issue \(index)"), "type": "Bug"],
                        as: company.owner
                    )
                }
            }
            try await group.waitForAll()
        }
    }

    @Test func downgradeWithUsedStatusesNamesStatusMoves() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard(tier: "premium")
        let id: JSONValue = .string(company.companyID)
        let custom: JSONValue = ["statuses": ["Open", "In Progress", "In Review", "Done"]]
        _ = try await harness.call("companies.configure", ["company_id": id, "settings": custom], as: company.owner)
        let issue = try await harness.call(
            "issues.create", ["company_id": id, "title": "one", "type": "Bug"], as: company.owner)
        _ = try await harness.call(
            "issues.transition", ["company_id": id, "issue_id": issue["issue_id"] ?? .null, "to_status": "Done"],
            as: company.owner)

        let error = await expectFailure(.failedPrecondition) {
            try await harness.call("companies.changeTier", ["company_id": id, "tier": "basic"], as: company.owner)
        }
        let violations = error?.details?["violations"]?.arrayValue ?? []
        let action = try #require(violations.first { $0["limit"] == "statuses" }?["action"]?.stringValue)
        #expect(
            action.hasPrefix("first call companies.configure with statuses Open, In Progress, Closed and status_moves"))
        #expect(action.contains(#""status_moves": {"Done":"Closed"}"#))
        #expect(action.hasSuffix("then retry the downgrade"))

        // Following the action lets the downgrade through.
        _ = try await harness.call(
            "companies.configure",
            [
                "company_id": id, "settings": ["statuses": ["Open", "In Progress", "Closed"]],
                "status_moves": ["Done": "Closed"],
            ],
            as: company.owner
        )
        let changed = try await harness.call(
            "companies.changeTier", ["company_id": id, "tier": "basic"], as: company.owner)
        #expect(changed["to_tier"] == "basic")
    }

    @Test func upgradeAppliesAtOnce() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()

        let changed = try await harness.call(
            "companies.changeTier", ["company_id": .string(company.companyID), "tier": "platinum"], as: company.owner
        )
        #expect(changed["from_tier"] == "basic")
        #expect(changed["to_tier"] == "platinum")
        #expect(changed["company"]?["limits"]?["users"] == .null)

        let event = try #require(try harness.published().first { $0.topic == EventTopic.companyTierChanged })
        #expect(event.payload["from_tier"] == "basic")
        #expect(event.payload["to_tier"] == "platinum")
    }

    @Test func sameTierIsRefused() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        _ = await expectFailure(.failedPrecondition) {
            try await harness.call("companies.changeTier", ["company_id": .string(company.companyID), "tier": "basic"])
        }
    }

    @Test func unknownTierNamesTheField() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let error = await expectFailure(.invalidArgument) {
            try await harness.call("companies.changeTier", ["company_id": .string(company.companyID), "tier": "gold"])
        }
        #expect(error?.details?["field"] == "tier")
    }

    @Test func adminCannotChangeTier() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let admin = try await harness.addUser(to: company, email: "a@tech.example", role: .admin)

        let error = await expectFailure(.permissionDenied) {
            try await harness.call(
                "companies.changeTier", ["company_id": .string(company.companyID), "tier": "premium"], as: admin.caller
            )
        }
        #expect(error?.details?["required_role"] == "owner")
    }
}
