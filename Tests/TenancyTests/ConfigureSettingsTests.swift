import MeshProtocol
import MeshRuntime
import MeshTesting
import TenantModel
import Testing

@testable import Tenancy

@Suite("Company settings") struct ConfigureSettingsTests {
    struct InvalidCase: Sendable, CustomStringConvertible {
        let tier: String
        let settings: JSONValue
        /// Every field the error must list, and no other.
        let fields: Set<String>
        var description: String { "\(tier): \(fields.sorted())" }
    }

    static let invalidCases: [InvalidCase] = [
        InvalidCase(
            tier: "premium",
            settings: ["colour": "blue", "priorities": [], "types": ["Bug", "bug", 3]],
            fields: ["settings.colour", "settings.priorities", "settings.types[1]", "settings.types[2]"]
        ),
        InvalidCase(
            tier: "basic",
            settings: ["statuses": ["Open", "Doing", "Closed"], "integrations": ["email", "slack_webhook", "fax"]],
            fields: ["settings.statuses", "settings.integrations[1]", "settings.integrations[2]"]
        ),
        InvalidCase(
            tier: "premium",
            settings: ["statuses": ["Done"], "notifications": ["email": "yes", "sms": true]],
            fields: ["settings.statuses", "settings.notifications.email", "settings.notifications.sms"]
        ),
        InvalidCase(
            tier: "premium",
            settings: [
                "custom_fields": [
                    ["name": "Severity", "type": "select"],
                    ["name": "Notes", "type": "text", "options": ["a"]],
                    ["name": "When", "type": "time"],
                    ["name": "severity", "type": "number", "colour": "red"],
                ]
            ],
            fields: [
                "settings.custom_fields[0].options", "settings.custom_fields[1].options",
                "settings.custom_fields[2].type",
                "settings.custom_fields[3].colour", "settings.custom_fields[3].name",
            ]
        ),
        InvalidCase(tier: "basic", settings: "statuses", fields: ["settings"]),
        // Case is folded the Unicode way: final sigma, sharp s.
        InvalidCase(
            tier: "premium", settings: ["priorities": ["ΟΣ", "ος"], "types": ["Straße", "STRASSE"]],
            fields: ["settings.priorities[1]", "settings.types[1]"]
        ),
    ]

    @Test func unchangedSettingsRecordNothing() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard(tier: "premium")
        let params: JSONValue = [
            "company_id": .string(company.companyID), "settings": ["priorities": ["Low", "High"]],
        ]

        _ = try await harness.call("companies.configure", params, as: company.owner)
        _ = try await harness.call("companies.configure", params, as: company.owner)

        let audited = try harness.store.readSync { connection in
            try connection.scalarInt("SELECT count(*) FROM audit WHERE action = 'companies.configure'")
        }
        #expect(audited == 1)
        #expect(try harness.published().filter { $0.topic == "company.configured" }.count == 1)
    }

    @Test func customFieldsPastTheTierAreResourceExhausted() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard(tier: "basic")
        let fields: [JSONValue] = (0..<6).map { ["name": .string("f\($0)"), "type": "text"] }

        let error = await expectFailure(.resourceExhausted) {
            try await harness.call(
                "companies.configure",
                ["company_id": .string(company.companyID), "settings": ["custom_fields": .array(fields)]],
                as: company.owner)
        }

        #expect(error?.details?["limit"] == "custom_fields")
        #expect(error?.details?["reason"] == "tier_limit")
        #expect(error?.details?["allowed"] == 5)
        #expect(error?.details?["requested"] == 6)
        #expect(error?.details?["current"] == 0)
        #expect(error?.message.contains("companies.changeTier") == true)

        // With another problem, the cap is listed among the problems instead.
        let both = await expectFailure(.invalidArgument) {
            try await harness.call(
                "companies.configure",
                [
                    "company_id": .string(company.companyID),
                    "settings": ["custom_fields": .array(fields), "types": []],
                ],
                as: company.owner)
        }
        let problems = both?.details?["problems"]?.arrayValue ?? []
        let cap = problems.first { $0["field"] == "settings.custom_fields" }?["problem"]?.stringValue
        #expect(cap?.hasPrefix("has 6 fields but the Basic tier allows 5") == true, "\(cap ?? "none")")
        #expect(problems.contains { $0["field"] == "settings.types" })
    }

    @Test(arguments: invalidCases)
    func everyProblemIsListedAndNothingApplied(_ invalid: InvalidCase) async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard(tier: invalid.tier)
        let before = try await harness.call("companies.get", ["company_id": .string(company.companyID)])

        let error = await expectFailure(.invalidArgument) {
            try await harness.call(
                "companies.configure", ["company_id": .string(company.companyID), "settings": invalid.settings],
                as: company.owner
            )
        }
        let problems = error?.details?["problems"]?.arrayValue ?? []
        #expect(Set(problems.compactMap { $0["field"]?.stringValue }) == invalid.fields)
        #expect(error?.details?["field"] == problems.first?["field"])
        for field in invalid.fields {
            #expect(error?.message.contains(field) == true)
        }
        // Each problem reads on from its field's name, as in "settings.colour is not a setting".
        for problem in problems.compactMap({ $0["problem"]?.stringValue }) {
            let first = problem.prefix { $0 != " " }
            #expect(!["a", "an", "the", "only"].contains(first), "\(problem)")
            #expect(!first.hasPrefix("'"), "\(problem)")
        }

        let after = try await harness.call("companies.get", ["company_id": .string(company.companyID)])
        #expect(after["settings"] == before["settings"])
        #expect(try !harness.published().contains { $0.topic == EventTopic.companyConfigured })
    }

    @Test func onlyGivenMembersChange() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard(tier: "premium")

        let view = try await harness.call(
            "companies.configure",
            [
                "company_id": .string(company.companyID),
                "settings": [
                    "priorities": ["P3", "P2", "P1"],
                    "custom_fields": [
                        ["name": "Severity", "type": "select", "required": true, "options": ["S1", "S2"]]
                    ],
                    "notifications": ["email": false],
                ],
            ],
            as: company.owner
        )
        #expect(view["settings"]?["priorities"] == ["P3", "P2", "P1"])
        #expect(view["settings"]?["types"] == ["Bug", "Feature", "Task", "Epic"])
        #expect(view["settings"]?["custom_fields"]?.arrayValue?.first?["options"] == ["S1", "S2"])
        #expect(view["settings"]?["notifications"]?["email"] == false)

        let event = try #require(try harness.published().first { $0.topic == EventTopic.companyConfigured })
        #expect(event.payload["settings"] == view["settings"])
    }

    @Test func statusInUseCannotBeRemoved() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard(tier: "premium")
        for index in 0..<2 {
            _ = try await harness.call(
                "issues.create",
                ["company_id": .string(company.companyID), "title": .string("issue \(index)"), "type": "Bug"],
                as: company.owner
            )
        }

        let error = await expectFailure(.failedPrecondition) {
            try await harness.call(
                "companies.configure",
                ["company_id": .string(company.companyID), "settings": ["statuses": ["Backlog", "Done"]]],
                as: company.owner
            )
        }
        #expect(error?.details?["count"] == 2)
        #expect(error?.details?["issues_by_status"]?["Open"] == 2)
        #expect(error?.message.hasPrefix("2 issues not deleted are still in status 'Open';") == true)
    }

    @Test func statusInUseKeepsItsSpelling() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard(tier: "premium")
        _ = try await harness.call(
            "issues.create", ["company_id": .string(company.companyID), "title": "one", "type": "Bug"],
            as: company.owner)

        let error = await expectFailure(.failedPrecondition) {
            try await harness.call(
                "companies.configure",
                [
                    "company_id": .string(company.companyID),
                    "settings": ["statuses": ["OPEN", "In Progress", "In Review", "Closed"]],
                ],
                as: company.owner
            )
        }

        #expect(error?.message.hasPrefix("1 issue not deleted is still in status 'Open';") == true)
        #expect(error?.message.hasSuffix("so write 'Open' instead of 'OPEN'") == true)
    }

    @Test func memberCannotConfigure() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let member = try await harness.addUser(to: company, email: "m@tech.example")
        _ = await expectFailure(.permissionDenied) {
            try await harness.call(
                "companies.configure",
                ["company_id": .string(company.companyID), "settings": ["priorities": ["Low", "High"]]],
                as: member.caller
            )
        }
    }
}
