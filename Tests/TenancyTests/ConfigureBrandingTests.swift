import MeshProtocol
import MeshRuntime
import MeshStore
import MeshTesting
import TenantModel
import Testing

@testable import Tenancy

/// `settings.branding` is Platinum's white-label branding: a display name and an optional footer for the
/// company's emails. It is stored with the settings, exported, published in `company.configured`, and
/// blocks a downgrade until it is removed.
@Suite("Company branding setting") struct ConfigureBrandingTests {
    static let branding: JSONValue = ["display_name": "  Acme Support  ", "footer": "Acme Inc.\nSupport desk"]

    func configure(_ harness: TenancyHarness, _ company: OnboardedCompany, _ settings: JSONValue) async throws
        -> JSONValue
    {
        try await harness.call(
            "companies.configure", ["company_id": .string(company.companyID), "settings": settings],
            as: company.owner)
    }

    @Test func brandingIsStoredPublishedAndExported() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard(tier: "platinum")
        let expected: JSONValue = ["display_name": "Acme Support", "footer": "Acme Inc.\nSupport desk"]

        let view = try await configure(harness, company, ["branding": Self.branding])
        #expect(view["settings"]?["branding"] == expected)

        let read = try await harness.call("companies.get", ["company_id": .string(company.companyID)])
        #expect(read["settings"]?["branding"] == expected)
        #expect(read["limits"]?["white_label"] == true)

        let event = try #require(try harness.published().last { $0.topic == EventTopic.companyConfigured })
        #expect(event.payload["settings"]?["branding"] == expected)

        let export = try harness.store.readSync { connection in
            let record = try #require(try CompanyRecord.load(company.companyID, in: connection))
            return try CompanyExport.local(record, atMs: harness.clock.nowMs(), in: connection)
        }
        #expect(export["company"]?["settings"]?["branding"] == expected)
    }

    @Test func footerIsOptionalAndNullRemovesBranding() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard(tier: "platinum")

        var view = try await configure(harness, company, ["branding": ["display_name": "Acme", "footer": nil]])
        #expect(view["settings"]?["branding"] == ["display_name": "Acme"])

        view = try await configure(harness, company, ["branding": nil])
        #expect(view["settings"]?["branding"] == nil)
        let event = try #require(try harness.published().last { $0.topic == EventTopic.companyConfigured })
        #expect(event.payload["settings"]?["branding"] == nil)
    }

    @Test(arguments: ["basic", "premium"])
    func tiersBelowPlatinumAreRejected(_ tier: String) async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard(tier: tier)

        let error = await expectFailure(.invalidArgument) {
            try await configure(harness, company, ["branding": ["display_name": "Acme"]])
        }
        let problems = error?.details?["problems"]?.arrayValue ?? []
        #expect(problems.compactMap { $0["field"]?.stringValue } == ["settings.branding"])
        let problem = problems.first?["problem"]?.stringValue ?? ""
        #expect(problem.contains("not available on the \(Tier(rawValue: tier)!.displayName) tier"))
        #expect(problem.contains("Platinum"))

        // Removing branding that is not there is allowed on every tier.
        let view = try await configure(harness, company, ["branding": nil])
        #expect(view["settings"]?["branding"] == nil)
    }

    static let invalidBrandings: [(JSONValue, [String])] = [
        ("Acme", ["settings.branding"]),
        ([:], ["settings.branding.display_name"]),
        (["display_name": "   "], ["settings.branding.display_name"]),
        (["display_name": .string(String(repeating: "a", count: 61))], ["settings.branding.display_name"]),
        (["display_name": "Acme\r\nBcc: x@y.example"], ["settings.branding.display_name"]),
        (["display_name": "Acme\u{202E}troppus"], ["settings.branding.display_name"]),
        (["display_name": 7], ["settings.branding.display_name"]),
        (["display_name": "TenantMesh Security Team"], ["settings.branding.display_name"]),
        (["display_name": "Acme Support", "footer": "The TenantMesh Security Team"], ["settings.branding.footer"]),
        (["display_name": "Tenant-Mesh support"], ["settings.branding.display_name"]),
        (
            ["display_name": "Acme", "footer": .string(String(repeating: "f", count: 501))],
            ["settings.branding.footer"]
        ),
        (["display_name": "Acme", "footer": "  "], ["settings.branding.footer"]),
        (["display_name": "Acme", "footer": "bell\u{07}"], ["settings.branding.footer"]),
        (["display_name": "Acme", "footer": ["Acme"]], ["settings.branding.footer"]),
        (
            ["display_name": "Acme", "logo": "acme.png", "colour": "red"],
            ["settings.branding.colour", "settings.branding.logo"]
        ),
    ]

    @Test(arguments: invalidBrandings)
    func invalidBrandingIsRejected(_ branding: JSONValue, _ fields: [String]) async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard(tier: "platinum")
        let before = try await harness.call("companies.get", ["company_id": .string(company.companyID)])

        let error = await expectFailure(.invalidArgument) {
            try await configure(harness, company, ["branding": branding])
        }
        let problems = error?.details?["problems"]?.arrayValue ?? []
        #expect(problems.compactMap { $0["field"]?.stringValue }.sorted() == fields)

        let after = try await harness.call("companies.get", ["company_id": .string(company.companyID)])
        #expect(after["settings"] == before["settings"])
    }

    @Test func limitsAreInclusive() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard(tier: "platinum")
        let name = String(repeating: "n", count: 60)
        let footer = String(repeating: "f", count: 500)

        let view = try await configure(
            harness, company, ["branding": ["display_name": .string(name), "footer": .string(footer)]])
        #expect(view["settings"]?["branding"]?["display_name"]?.stringValue == name)
        #expect(view["settings"]?["branding"]?["footer"]?.stringValue == footer)
    }

    @Test func downgradeNeedsBrandingRemovedFirst() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard(tier: "platinum")
        _ = try await configure(harness, company, ["branding": ["display_name": "Acme Support"]])
        let params: JSONValue = ["company_id": .string(company.companyID), "tier": "premium"]

        let error = await expectFailure(.failedPrecondition) {
            try await harness.call("companies.changeTier", params, as: company.owner)
        }
        let violations = error?.details?["violations"]?.arrayValue ?? []
        #expect(violations.compactMap { $0["limit"]?.stringValue } == ["branding"])
        #expect(violations.first?["current"] == ["display_name": "Acme Support"])
        #expect(violations.first?["allowed"] == false)
        #expect(violations.first?["action"]?.stringValue?.contains("\"branding\": null") == true)
        #expect(try !harness.published().contains { $0.topic == EventTopic.companyTierChanged })

        _ = try await configure(harness, company, ["branding": nil])
        let changed = try await harness.call("companies.changeTier", params, as: company.owner)
        #expect(changed["company"]?["tier"] == "premium")
    }

    @Test(arguments: [
        "TenantMesh Security Team", "T\u{435}nantMesh", "Ten\u{430}ntMesh", "\u{422}enantMesh", "TenantMe\u{455}h",
        "TenantMesh", "ＴｅｎａｎｔＭｅｓｈ", "𝐓𝐞𝐧𝐚𝐧𝐭𝐌𝐞𝐬𝐡", "ⓉⓔⓝⓐⓝⓣⓂⓔⓢⓗ", "ᴛᴇɴᴀɴᴛᴍᴇꜱʜ", "TénantMesh",
        "tenantrnesh", "Ten4ntMesh", "7enantMesh", "Tenant-Mesh support", "Ten\u{251}nt Mesh", "Tenant \u{13B7}esh",
        "\u{13A2}enant Mesh", "TenantMes\u{127}", "Acme-TenantMesh",
    ])
    func platformLookalikeIsDetected(_ name: String) {
        #expect(PlatformName.appears(in: name), "\(PlatformName.skeleton(of: name))")
    }

    @Test(arguments: [
        "Acme Support", "Tenant Services", "Mesh Networks", "Tenants & Meshes", "Lieutenant Meshing",
        "Contenant Mesh", "Sustenant Mesh", "Cornrnunity Bank",
    ])
    func ordinaryNameIsKept(_ name: String) {
        #expect(!PlatformName.appears(in: name), "\(PlatformName.skeleton(of: name))")
    }
}
