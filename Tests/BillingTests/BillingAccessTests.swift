import MeshProtocol
import MeshRuntime
import Testing

@testable import Billing

@Suite("Who sees which company's billing")
struct BillingAccessTests {
    @Test("user reads own company")
    func ownCompany() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliver([Fixture.provisioned("cmp_a", atMs: start)])
        try harness.setClock(Fixture.utc(2026, 5, 1))
        _ = try await harness.runCycle()

        let viewer = try await harness.subscription("cmp_a", as: Fixture.user(of: "cmp_a", role: "viewer"))
        let admin = Fixture.user(of: "cmp_a", role: "admin")
        let invoices = try await harness.call("billing.invoices", ["company_id": "cmp_a"], as: admin)

        #expect(viewer["company_id"] == "cmp_a")
        #expect(invoices["invoices"]?.arrayValue?.count == 1)
    }

    @Test("invoices come in pages")
    func invoicePages() async throws {
        let start = Fixture.utc(2026, 1, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliver([Fixture.provisioned("cmp_a", atMs: start)])
        try harness.setClock(Fixture.utc(2026, 6, 1))
        _ = try await harness.runCycle()

        var numbers: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            var params: [String: JSONValue] = ["company_id": "cmp_a", "limit": 2]
            params["cursor"] = cursor.map { .string($0) }
            let page = try await harness.call("billing.invoices", .object(params))
            numbers += page["invoices"]?.arrayValue?.compactMap { $0["number"]?.stringValue } ?? []
            cursor = page["next_cursor"]?.stringValue
            pages += 1
        } while cursor != nil && pages < 10

        #expect(pages == 3)
        #expect(numbers == (1...5).map { "INV-ACME-000\($0)" })
        let all = try await harness.call("billing.invoices", ["company_id": "cmp_a"])
        #expect(all["invoices"]?.arrayValue?.count == 5)
        #expect(all["next_cursor"] == nil)

        // A cursor is sealed for its list and company, so another company's list rejects it.
        try harness.deliver([Fixture.provisioned("cmp_b", atMs: Fixture.utc(2026, 1, 1), keyPrefix: "BBB")])
        let first = try await harness.call("billing.invoices", ["company_id": "cmp_a", "limit": 1])
        let sealed = try #require(first["next_cursor"]?.stringValue)
        #expect(sealed.hasPrefix("c1."))
        let foreign = await #expect(throws: RPCError.self) {
            _ = try await harness.call("billing.invoices", ["company_id": "cmp_b", "cursor": .string(sealed)])
        }
        #expect(foreign?.details?["field"] == "cursor")

        for (params, field) in [
            (["company_id": "cmp_a", "limit": 0], "limit"), (["company_id": "cmp_a", "cursor": "x"], "cursor"),
        ] as [(JSONValue, String)] {
            let error = await #expect(throws: RPCError.self) {
                _ = try await harness.call("billing.invoices", params)
            }
            #expect(error?.details?["field"] == .string(field))
        }
    }

    @Test("other company is NOT_FOUND")
    func otherCompany() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliver([
            Fixture.provisioned("cmp_a", atMs: start),
            Fixture.provisioned("cmp_b", atMs: start, keyPrefix: "BETA"),
        ])
        let intruder = Fixture.user(of: "cmp_b")

        let subscription = await #expect(throws: RPCError.self) {
            _ = try await harness.subscription("cmp_a", as: intruder)
        }
        let invoices = await #expect(throws: RPCError.self) {
            _ = try await harness.call("billing.invoices", ["company_id": "cmp_a"], as: intruder)
        }

        #expect(subscription?.status == .notFound)
        #expect(invoices?.status == .notFound)
    }

    @Test("missing subscription explains the wait")
    func notYetCreated() async throws {
        let harness = try Fixture.harness(at: Fixture.utc(2026, 4, 1))

        let error = await #expect(throws: RPCError.self) {
            _ = try await harness.subscription("cmp_new", as: Fixture.user(of: "cmp_new"))
        }

        #expect(error?.status == .notFound)
        #expect(error?.retryable == true)
        #expect(error?.message.contains("shortly after the company is provisioned") == true)

        // The harness runs billing alone, so tenancy cannot confirm the company, and the message names that.
        #expect(error?.message.contains("Tenancy did not reply") == true)
        #expect(error?.message.contains("deliver the company's company.provisioned event") == true)
        #expect(error?.details?["tenancy_status"] != nil)
    }

    @Test("invoices reject the member role")
    func invoicesNeedAdmin() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliver([Fixture.provisioned("cmp_a", atMs: start)])

        let member = Fixture.user(of: "cmp_a", role: "member")

        let error = await #expect(throws: RPCError.self) {
            _ = try await harness.call("billing.invoices", ["company_id": "cmp_a"], as: member)
        }

        #expect(error?.status == .permissionDenied)
        #expect(error?.message.contains("admin") == true)
    }

    @Test("operator methods reject users", arguments: ["billing.overview", "billing.runCycle"])
    func operatorOnly(_ method: String) async throws {
        let harness = try Fixture.harness(at: Fixture.utc(2026, 4, 1))

        let error = await #expect(throws: RPCError.self) {
            _ = try await harness.call(method, [:], as: Fixture.user(of: "cmp_a"))
        }

        #expect(error?.status == .permissionDenied)
    }

    @Test("bad params name the field")
    func badParams() async throws {
        let harness = try Fixture.harness(at: Fixture.utc(2026, 4, 1))

        let empty = await #expect(throws: RPCError.self) {
            _ = try await harness.call("billing.subscription", ["company_id": ""])
        }
        let status = await #expect(throws: RPCError.self) {
            _ = try await harness.call("billing.invoices", ["company_id": "cmp_a", "status": "overdue"])
        }

        #expect(empty?.status == .invalidArgument)
        #expect(empty?.message.contains("company_id") == true)
        #expect(status?.status == .invalidArgument)
        #expect(status?.details?["allowed"] == ["open", "paid", "past_due"])
        #expect(status?.message.contains(#"(received "overdue")"#) == true)

        let number = await #expect(throws: RPCError.self) {
            _ = try await harness.call("billing.invoices", ["company_id": "cmp_a", "status": 3])
        }
        #expect(number?.message.contains("(received 3)") == true)
    }
}
