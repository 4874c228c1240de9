import MeshProtocol
import MeshRuntime
import MeshStore
import MeshTesting
import TenantModel
import Testing

@testable import Tenancy

@Suite("Company provisioning") struct CompanyProvisionTests {
    struct InvalidCase: Sendable, CustomStringConvertible {
        let params: JSONValue
        let field: String
        var description: String { field }
    }

    static let invalidCases: [InvalidCase] = [
        InvalidCase(params: ["name": "   ", "admin_email": "a@b.example", "admin_name": "A"], field: "name"),
        InvalidCase(params: ["name": "Acme", "admin_email": "not-an-email", "admin_name": "A"], field: "admin_email"),
        InvalidCase(params: ["name": "Acme", "admin_email": "a@nodot", "admin_name": "A"], field: "admin_email"),
        InvalidCase(params: ["name": "Acme", "admin_email": "a b@c.example", "admin_name": "A"], field: "admin_email"),
        InvalidCase(
            params: ["name": "Acme", "admin_email": "a..b@c.example", "admin_name": "A"], field: "admin_email"),
        InvalidCase(params: ["name": "Acme", "admin_email": "a@b.example", "admin_name": ""], field: "admin_name"),
        InvalidCase(
            params: ["name": "Acme", "admin_email": "a@b.example", "admin_name": "A", "tier": "gold"], field: "tier"),
        InvalidCase(
            params: [
                "name": .string(String(repeating: "x", count: 201)), "admin_email": "a@b.example", "admin_name": "A",
            ],
            field: "name"
        ),
    ]

    @Test(arguments: invalidCases)
    func invalidParamsNameTheField(_ invalid: InvalidCase) async throws {
        let harness = try TenancyHarness()
        let error = await expectFailure(.invalidArgument) {
            try await harness.call("companies.provision", invalid.params)
        }
        #expect(error?.details?["field"]?.stringValue == invalid.field)
        #expect(try harness.count("companies") == 0)
    }

    @Test func everyProblemIsListedAtOnce() async throws {
        let harness = try TenancyHarness()

        let error = await expectFailure(.invalidArgument) {
            try await harness.call(
                "companies.provision", ["name": "", "admin_email": "bad", "admin_name": "A", "tier": "gold"])
        }

        let fields = error?.details?["problems"]?.arrayValue?.compactMap { $0["field"]?.stringValue }
        #expect(fields == ["name", "admin_email", "tier"])
        #expect(error?.details?["field"] == "name")
        #expect(error?.message.hasPrefix("companies.provision has 3 problems:") == true)
        #expect(try harness.count("companies") == 0)
    }

    @Test func provisionCreatesCompanyOwnerAndInvitation() async throws {
        let harness = try TenancyHarness()
        let result = try await harness.provision(name: "Tech Corp", email: "Owner@Tech.Example", tier: "Premium")

        #expect(result["company"]?["status"] == "active")
        #expect(result["company"]?["tier"] == "premium")
        #expect(result["company"]?["key_prefix"] == "TECH")
        #expect(result["company"]?["settings"]?["statuses"] == ["Open", "In Progress", "In Review", "Closed"])
        #expect(result["company"]?["usage"]?["users"] == 1)
        #expect(result["owner"]?["email"] == "owner@tech.example")
        #expect(result["owner"]?["role"] == "owner")
        #expect(result["owner"]?["status"] == "invited")
        #expect(result["invitation"]?["expires_at_ms"]?.intValue == harness.clock.nowMs() + 7 * 86_400_000)
        #expect(result["invitation"]?["token"] == nil)
    }

    @Test func missingKeyIsRejected() async throws {
        let harness = try TenancyHarness()

        let error = await expectFailure(.invalidArgument) {
            try await harness.call(
                "companies.provision", ["name": "Tiny", "admin_email": "t@tiny.example", "admin_name": "T"])
        }

        #expect(error?.details?["field"] == "meta.idempotency_key")
        #expect(error?.message.contains("--idempotency-key") == true)
        #expect(try harness.count("companies") == 0)
    }

    @Test func basicDefaultsToThreeStatuses() async throws {
        let harness = try TenancyHarness()
        let result = try await harness.call(
            "companies.provision", ["name": "Tiny", "admin_email": "t@tiny.example", "admin_name": "T"],
            idempotencyKey: "tiny"
        )
        #expect(result["company"]?["tier"] == "basic")
        #expect(result["company"]?["settings"]?["statuses"] == ["Open", "In Progress", "Closed"])
    }

    @Test func eventCarriesTokenWhileTablesHoldOnlyItsHash() async throws {
        let harness = try TenancyHarness()
        let result = try await harness.provision()
        let companyID = try #require(result["company"]?["company_id"]?.stringValue)

        let event = try #require(try harness.published().first { $0.topic == EventTopic.companyProvisioned })
        #expect(event.payload["company_id"]?.stringValue == companyID)
        let token = try #require(event.payload["invitation"]?["token"]?.stringValue)
        #expect(token.hasPrefix("tmi_"))
        #expect(token.count == 36)

        let dump: String = try harness.store.readSync { connection in
            var text = ""
            for table in ["invitations", "api_keys", "audit"] {
                for row in try connection.query("SELECT * FROM \(table)") {
                    text += row.values.description
                }
            }
            return text
        }
        #expect(!dump.contains(token))
        let hash = SecretHash.sha256Hex(token)
        #expect(dump.contains(hash))
    }

    @Test func sameIdempotencyKeyReturnsFirstResultAndCreatesOnce() async throws {
        let harness = try TenancyHarness()
        let params: JSONValue = ["name": "Repeat Co", "admin_email": "r@repeat.example", "admin_name": "R"]

        let first = try await harness.call("companies.provision", params, idempotencyKey: "req-1")
        try harness.advance(days: 1)
        let second = try await harness.call("companies.provision", params, idempotencyKey: "req-1")

        #expect(JSONWriter.string(first) == JSONWriter.string(second))
        #expect(try harness.count("companies") == 1)
        #expect(try harness.count("users") == 1)
        #expect(try harness.count("invitations") == 1)
        #expect(try harness.published().filter { $0.topic == EventTopic.companyProvisioned }.count == 1)
    }

    @Test func sameKeyWithOtherParamsIsRefused() async throws {
        let harness = try TenancyHarness()
        _ = try await harness.call(
            "companies.provision", ["name": "One", "admin_email": "a@one.example", "admin_name": "A"],
            idempotencyKey: "k"
        )
        let error = await expectFailure(.alreadyExists) {
            try await harness.call(
                "companies.provision", ["name": "Two", "admin_email": "a@two.example", "admin_name": "A"],
                idempotencyKey: "k"
            )
        }
        #expect(error?.message.contains("'k'") == true)
        #expect(try harness.count("companies") == 1)
    }

    @Test func withoutKeyEachCallCreatesACompanyWithItsOwnPrefix() async throws {
        let harness = try TenancyHarness()
        let first = try await harness.provision(name: "Tech Corp")
        let second = try await harness.provision(name: "Tech Corp")
        let third = try await harness.provision(name: "X")

        #expect(first["company"]?["key_prefix"] == "TECH")
        #expect(second["company"]?["key_prefix"] == "TECH2")
        #expect(third["company"]?["key_prefix"] == "XX")
        #expect(try harness.count("companies") == 3)
    }

    @Test(arguments: [
        ("Österreich AG", "OSTE"), ("Ñandú", "NAND"), ("Ça va", "CAVA"), ("東京", "XX"), ("Øresund", "ORES"),
        ("Łódź Software", "LODZ"), ("Ærø", "AERO"),
    ])
    func accentedNameGivesPlainPrefix(_ name: String, _ prefix: String) {
        #expect(KeyPrefix.base(for: name) == prefix)
    }

    @Test func usersCannotProvision() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let error = await expectFailure(.permissionDenied) {
            try await harness.call(
                "companies.provision", ["name": "Mine", "admin_email": "m@mine.example", "admin_name": "M"],
                as: company.owner
            )
        }
        #expect(error?.details?["required_role"] == "root")
    }
}
