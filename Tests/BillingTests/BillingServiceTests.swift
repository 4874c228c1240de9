import MeshProtocol
import MeshRuntime
import Testing

@testable import Billing

@Suite("Billing service wiring")
struct BillingServiceTests {
    @Test("methods and their scopes")
    func scopes() throws {
        let harness = try Fixture.harness(at: Fixture.utc(2026, 4, 1))

        let scopes = Dictionary(uniqueKeysWithValues: harness.parts.methods.descriptors.map { ($0.name, $0.scope) })

        #expect(Billing.name == "billing")
        #expect(scopes["billing.subscription"] == .company)
        #expect(scopes["billing.invoices"] == .company)
        #expect(scopes["billing.payInvoice"] == .root)
        #expect(scopes["billing.overview"] == .root)
        #expect(scopes["billing.export"] == .internal)
        #expect(scopes["billing.exportPage"] == .internal)
        #expect(scopes["billing.runCycle"] == .root)
        #expect(scopes.count == 7)
    }

    @Test("a method without params rejects any")
    func noParamsRejected() async throws {
        let harness = try Fixture.harness(at: Fixture.utc(2026, 4, 1))

        let error = await #expect(throws: RPCError.self) { try await harness.call("billing.overview", ["foo": 1]) }

        #expect(error?.status == .invalidArgument)
        #expect(error?.details?["field"] == "foo")
        #expect(harness.parts.methods["billing.overview"]?.descriptor.paramsSchema["additionalProperties"] == false)
    }

    @Test("invoice status schema lists values")
    func statusSchema() throws {
        let harness = try Fixture.harness(at: Fixture.utc(2026, 4, 1))

        let schema = harness.parts.methods["billing.invoices"]?.descriptor.paramsSchema

        #expect(schema?["properties"]?["status"]?["enum"] == ["open", "paid", "past_due", nil])
        #expect(schema?["required"] == ["company_id"])
    }

    @Test("background loop issues due invoices")
    func backgroundLoop() async throws {
        let start = Fixture.utc(2026, 4, 1)
        let harness = try Fixture.harness(at: start)
        try harness.deliver([Fixture.provisioned("cmp_a", atMs: start)])
        try harness.setClock(Fixture.utc(2026, 5, 1))
        let work = try #require(harness.parts.background.first)

        // High priority: the loop stands for billing's own background task, apart from the test run's queue.
        let loop = Task(priority: .high) { await work() }
        var invoices: [JSONValue] = []
        var polls = 0
        while invoices.isEmpty && polls < 400 {
            try await Task.sleep(for: .milliseconds(50))
            invoices = try await harness.invoices("cmp_a")
            polls += 1
        }
        loop.cancel()
        await loop.value

        #expect(invoices.count == 1)
        #expect(invoices.first?["period_end_ms"]?.intValue == Fixture.utc(2026, 5, 1))
    }
}
