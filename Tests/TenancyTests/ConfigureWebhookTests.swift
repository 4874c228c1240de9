import MeshProtocol
import MeshRuntime
import MeshTesting
import TenantModel
import Testing

@testable import Tenancy

/// `settings.webhook_url` is a loopback URL with port and path. It is allowed only while the tier has
/// webhook integrations and one of them is enabled, and `company.configured` carries it to notification.
@Suite("Company webhook setting") struct ConfigureWebhookTests {
    static let goodURL = "http://127.0.0.1:9400/hooks/tenant"

    @Test func loopbackURLIsStoredAndPublished() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard(tier: "premium")

        let view = try await harness.call(
            "companies.configure",
            [
                "company_id": .string(company.companyID),
                "settings": ["integrations": ["email", "slack_webhook"], "webhook_url": .string(Self.goodURL)],
            ],
            as: company.owner
        )
        #expect(view["settings"]?["webhook_url"]?.stringValue == Self.goodURL)

        let read = try await harness.call("companies.get", ["company_id": .string(company.companyID)])
        #expect(read["settings"]?["webhook_url"]?.stringValue == Self.goodURL)

        let event = try #require(try harness.published().last { $0.topic == EventTopic.companyConfigured })
        #expect(event.payload["settings"]?["webhook_url"]?.stringValue == Self.goodURL)
        #expect(event.payload["settings"]?["integrations"] == ["email", "slack_webhook"])
    }

    @Test(arguments: ["http://localhost:8080/", "http://LOCALHOST:1/a?b=c", "http://127.0.0.1:65535/x/y"])
    func loopbackFormsAreAccepted(_ url: String) async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard(tier: "platinum")

        let view = try await harness.call(
            "companies.configure",
            [
                "company_id": .string(company.companyID),
                "settings": ["integrations": ["webhook"], "webhook_url": .string(url)],
            ],
            as: company.owner
        )
        #expect(view["settings"]?["webhook_url"]?.stringValue == url)
    }

    static let invalidURLs: [JSONValue] = [
        "https://127.0.0.1:9400/hooks",
        "ftp://127.0.0.1:21/file",
        "http://example.com:80/hooks",
        "http://10.0.0.8:9400/hooks",
        "http://127.0.0.1/hooks",
        "http://127.0.0.1:/hooks",
        "http://127.0.0.1:9400",
        "http://127.0.0.1:9400?x=1",
        "http://127.0.0.1:0/hooks",
        "http://127.0.0.1:70000/hooks",
        "http://127.0.0.1:94a0/hooks",
        "http://user:secret@127.0.0.1:9400/hooks",
        "http://[::1]:9400/hooks",
        "http://127.0.0.1:9400/a b",
        "",
        42,
        ["http://127.0.0.1:9400/hooks"],
    ]

    @Test(arguments: invalidURLs)
    func badURLIsRejected(_ url: JSONValue) async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard(tier: "premium")
        let before = try await harness.call("companies.get", ["company_id": .string(company.companyID)])

        let error = await expectFailure(.invalidArgument) {
            try await harness.call(
                "companies.configure",
                [
                    "company_id": .string(company.companyID),
                    "settings": ["integrations": ["webhook"], "webhook_url": url],
                ],
                as: company.owner
            )
        }
        let fields = error?.details?["problems"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
        #expect(fields == ["settings.webhook_url"])
        #expect(error?.message.contains("settings.webhook_url") == true)

        let after = try await harness.call("companies.get", ["company_id": .string(company.companyID)])
        #expect(after["settings"] == before["settings"])
    }

    @Test func basicTierHasNoWebhook() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard(tier: "basic")

        let error = await expectFailure(.invalidArgument) {
            try await harness.call(
                "companies.configure",
                ["company_id": .string(company.companyID), "settings": ["webhook_url": .string(Self.goodURL)]],
                as: company.owner
            )
        }
        let problems = error?.details?["problems"]?.arrayValue ?? []
        #expect(problems.compactMap { $0["field"]?.stringValue } == ["settings.webhook_url"])
        #expect(problems.first?["problem"]?.stringValue?.contains("Basic") == true)

        // A webhook integration the tier lacks and the URL are two problems, reported together.
        let both = await expectFailure(.invalidArgument) {
            try await harness.call(
                "companies.configure",
                [
                    "company_id": .string(company.companyID),
                    "settings": ["integrations": ["email", "slack_webhook"], "webhook_url": .string(Self.goodURL)],
                ],
                as: company.owner
            )
        }
        let fields = both?.details?["problems"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
        #expect(fields == ["settings.integrations[1]", "settings.webhook_url"])
    }

    @Test func urlNeedsWebhookIntegration() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard(tier: "premium")
        let id: JSONValue = .string(company.companyID)

        // The default integrations are email only.
        let error = await expectFailure(.invalidArgument) {
            try await harness.call(
                "companies.configure", ["company_id": id, "settings": ["webhook_url": .string(Self.goodURL)]],
                as: company.owner
            )
        }
        let problems = error?.details?["problems"]?.arrayValue ?? []
        #expect(problems.compactMap { $0["field"]?.stringValue } == ["settings.webhook_url"])
        #expect(problems.first?["problem"]?.stringValue?.contains("slack_webhook") == true)

        _ = try await harness.call(
            "companies.configure",
            ["company_id": id, "settings": ["integrations": ["webhook"], "webhook_url": .string(Self.goodURL)]],
            as: company.owner
        )

        // Turning the integration off while the URL stays is rejected, but clearing both works.
        _ = await expectFailure(.invalidArgument) {
            try await harness.call(
                "companies.configure", ["company_id": id, "settings": ["integrations": ["email"]]], as: company.owner)
        }
        let cleared = try await harness.call(
            "companies.configure",
            ["company_id": id, "settings": ["integrations": ["email"], "webhook_url": nil]],
            as: company.owner
        )
        #expect(cleared["settings"]?["webhook_url"] == nil)
        #expect(cleared["settings"]?["integrations"] == ["email"])
    }

    @Test func problemsAreListedTogether() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard(tier: "premium")

        let error = await expectFailure(.invalidArgument) {
            try await harness.call(
                "companies.configure",
                [
                    "company_id": .string(company.companyID),
                    "settings": [
                        "priorities": [], "integrations": ["webhook"], "webhook_url": "http://127.0.0.1/hooks",
                    ],
                ],
                as: company.owner
            )
        }
        let fields = Set(error?.details?["problems"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? [])
        #expect(fields == ["settings.priorities", "settings.webhook_url"])
        #expect(try !harness.published().contains { $0.topic == EventTopic.companyConfigured })
    }

    @Test func notificationReceivesConfiguredEvents() {
        #expect(Tenancy.subscribers["notification"]?.contains(EventTopic.companyConfigured) == true)
    }
}
