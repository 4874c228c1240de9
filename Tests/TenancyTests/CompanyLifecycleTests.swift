import MeshProtocol
import MeshRuntime
import MeshTesting
import TenantModel
import Testing

@testable import Tenancy

@Suite("Company suspension and deletion") struct CompanyLifecycleTests {
    @Test func suspendedCompanyBlocksItsUsersAndKeepsData() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let id: JSONValue = ["company_id": .string(company.companyID)]

        let suspended = try await harness.call(
            "companies.suspend", ["company_id": .string(company.companyID), "reason": "unpaid invoices"]
        )
        #expect(suspended["status"] == "suspended")
        #expect(suspended["suspend_reason"] == "unpaid invoices")

        let error = await expectFailure(.failedPrecondition) {
            try await harness.call("companies.get", id, as: company.owner)
        }
        #expect(error?.message.contains("is suspended") == true)
        _ = await expectFailure(.failedPrecondition) { try await harness.call("users.list", id, as: company.owner) }
        #expect(try await harness.call("users.list", id)["users"]?.arrayValue?.count == 1)

        let event = try #require(try harness.published().first { $0.topic == EventTopic.companySuspended })
        #expect(event.payload["reason"] == "unpaid invoices")
        #expect(event.payload["reactivate_at_ms"] == .null)

        let reactivated = try await harness.call("companies.reactivate", id)
        #expect(reactivated["status"] == "active")
        #expect(try await harness.call("companies.get", id, as: company.owner)["status"] == "active")
        let back = try #require(try harness.published().first { $0.topic == EventTopic.companyReactivated })
        #expect(back.payload["automatic"] == false)
    }

    @Test func scheduledReactivationHappensOnceTheTimePasses() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let reactivateAt = harness.clock.nowMs() + 2 * 86_400_000
        _ = try await harness.call(
            "companies.suspend", ["company_id": .string(company.companyID), "reactivate_at_ms": .int(reactivateAt)]
        )
        let reactivator = Reactivator(env: try harness.environment)

        try harness.advance(days: 1)
        #expect(try await reactivator.reactivateDue().isEmpty)

        try harness.advance(days: 1)
        #expect(try await reactivator.reactivateDue() == [company.companyID])
        #expect(
            try await harness.call("companies.get", ["company_id": .string(company.companyID)])["status"] == "active")

        let event = try #require(try harness.published().first { $0.topic == EventTopic.companyReactivated })
        #expect(event.payload["automatic"] == true)
        #expect(try await reactivator.reactivateDue().isEmpty)
    }

    @Test func lateCheckDatesReactivationAtSchedule() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let reactivateAt = harness.clock.nowMs() + 2 * 86_400_000
        _ = try await harness.call(
            "companies.suspend", ["company_id": .string(company.companyID), "reactivate_at_ms": .int(reactivateAt)]
        )

        try harness.advance(days: 10)
        #expect(try await Reactivator(env: try harness.environment).reactivateDue() == [company.companyID])

        let event = try #require(try harness.published().first { $0.topic == EventTopic.companyReactivated })
        #expect(event.payload["at_ms"] == .int(reactivateAt))
        let reactivated = try await harness.call("companies.get", ["company_id": .string(company.companyID)])
        #expect(reactivated["updated_at_ms"] == .int(reactivateAt))
    }

    @Test func changeAfterScheduleReactivatesFirst() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let reactivateAt = harness.clock.nowMs() + 86_400_000
        _ = try await harness.call(
            "companies.suspend", ["company_id": .string(company.companyID), "reactivate_at_ms": .int(reactivateAt)]
        )

        // The tier change comes before the background check, so it applies the due reactivation first.
        try harness.advance(days: 3)
        _ = try await harness.call(
            "companies.changeTier", ["company_id": .string(company.companyID), "tier": "platinum"])

        let topics = try harness.published().map(\.topic).filter {
            $0 == EventTopic.companyReactivated || $0 == EventTopic.companyTierChanged
        }
        #expect(topics == [EventTopic.companyReactivated, EventTopic.companyTierChanged])
        let event = try #require(try harness.published().first { $0.topic == EventTopic.companyReactivated })
        #expect(event.payload["at_ms"] == .int(reactivateAt))
        #expect(try await Reactivator(env: try harness.environment).reactivateDue().isEmpty)
    }

    @Test func keyCheckAfterScheduleReactivatesFirst() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let reactivateAt = harness.clock.nowMs() + 86_400_000
        _ = try await harness.call(
            "companies.suspend", ["company_id": .string(company.companyID), "reactivate_at_ms": .int(reactivateAt)]
        )
        let params: JSONValue = ["api_key": .string(company.ownerKey)]
        #expect(try await harness.call("auth.verifyKey", params, as: .service)["company_status"] == "suspended")

        // The gateway checks the owner's key before the background check runs: the key works at once.
        try harness.advance(days: 2)
        #expect(try await harness.call("auth.verifyKey", params, as: .service)["company_status"] == "active")

        let event = try #require(try harness.published().first { $0.topic == EventTopic.companyReactivated })
        #expect(event.payload["at_ms"] == .int(reactivateAt))
        #expect(try await Reactivator(env: try harness.environment).reactivateDue().isEmpty)
    }

    @Test func acceptingAnInvitationAfterScheduleReactivatesFirst() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let invited = try await harness.call(
            "users.invite",
            ["company_id": .string(company.companyID), "email": "late@tech.example", "name": "Late", "role": "member"],
            as: company.owner)
        let userID = try #require(invited["user"]?["user_id"]?.stringValue)
        _ = try await harness.call(
            "companies.suspend",
            ["company_id": .string(company.companyID), "reactivate_at_ms": .int(harness.clock.nowMs() + 60_000)])

        try harness.advance(days: 1)
        let accepted = try await harness.call(
            "auth.acceptInvitation", ["token": .string(try harness.invitationToken(for: userID))], as: nil)

        #expect(accepted["api_key"]?.stringValue != nil)
        #expect(
            try await harness.call("companies.get", ["company_id": .string(company.companyID)])["status"] == "active")
    }

    @Test func backgroundLoopReactivatesDueCompanies() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        _ = try await harness.call(
            "companies.suspend",
            ["company_id": .string(company.companyID), "reactivate_at_ms": .int(harness.clock.nowMs() + 60_000)]
        )
        try harness.advance(days: 1)

        // High priority keeps the loop, which stands for tenancy's own background task, off the queue that
        // the rest of the test run waits on.
        let reactivator = Reactivator(env: try harness.environment, interval: .milliseconds(10))
        let loop = Task(priority: .high) {
            await reactivator.run()
        }
        defer { loop.cancel() }
        var status: JSONValue?
        for _ in 0..<500 where status != "active" {
            try await Task.sleep(for: .milliseconds(10))
            status = try await harness.call("companies.get", ["company_id": .string(company.companyID)])["status"]
        }
        #expect(status == "active")
    }

    @Test func reactivationTimeMustBeInTheFuture() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let error = await expectFailure(.invalidArgument) {
            try await harness.call(
                "companies.suspend",
                ["company_id": .string(company.companyID), "reactivate_at_ms": .int(harness.clock.nowMs() - 1)]
            )
        }
        #expect(error?.details?["field"] == "reactivate_at_ms")
    }

    @Test func suspendedCompanyNamesSuspensionBeforeTime() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        _ = try await harness.call("companies.suspend", ["company_id": .string(company.companyID)])

        let error = await expectFailure(.failedPrecondition) {
            try await harness.call(
                "companies.suspend", ["company_id": .string(company.companyID), "reactivate_at_ms": 1000])
        }

        #expect(error?.message.contains("is already suspended") == true)
    }

    @Test func reactivationTimeMustBeBeforeYear10000() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()

        let error = await expectFailure(.invalidArgument) {
            try await harness.call(
                "companies.suspend",
                ["company_id": .string(company.companyID), "reactivate_at_ms": .int(253_402_300_800_000)]
            )
        }

        #expect(error?.details?["field"] == "reactivate_at_ms")
        #expect(error?.message.contains("9999") == true)
        let stored = try await harness.call("companies.get", ["company_id": .string(company.companyID)])
        #expect(stored["status"] == "active")
    }

    @Test func deletedCompanyIsNotFoundEverywhere() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let id: JSONValue = ["company_id": .string(company.companyID)]

        let deleted = try await harness.call("companies.delete", id)
        #expect(deleted["revoked_keys"] == 1)
        #expect(try harness.published().contains { $0.topic == EventTopic.companyDeleted })

        for method in ["companies.get", "users.list", "audit.list", "companies.delete", "companies.suspend"] {
            _ = await expectFailure(.notFound) { try await harness.call(method, id) }
        }
        let listed = try await harness.call("companies.list", [:])
        #expect(listed["companies"]?.arrayValue?.isEmpty == true)
        let deletedOnly = try await harness.call("companies.list", ["status": "deleted"])
        #expect(deletedOnly["companies"]?.arrayValue?.count == 1)
    }

    @Test func companiesListFiltersAndPages() async throws {
        let harness = try TenancyHarness()
        for index in 0..<3 {
            _ = try await harness.provision(name: "Basic \(index)", email: "b\(index)@b.example", tier: "basic")
        }
        _ = try await harness.provision(name: "Premium", email: "p@p.example", tier: "premium")

        let premium = try await harness.call("companies.list", ["tier": "premium"])
        #expect(premium["companies"]?.arrayValue?.count == 1)

        let first = try await harness.call("companies.list", ["limit": 2])
        let cursor = try #require(first["next_cursor"]?.stringValue)
        let rest = try await harness.call("companies.list", ["limit": 2, "cursor": .string(cursor)])
        let names = ((first["companies"]?.arrayValue ?? []) + (rest["companies"]?.arrayValue ?? [])).compactMap {
            $0["name"]?.stringValue
        }
        #expect(Set(names).count == 4)
        #expect(rest["next_cursor"] == nil)

        _ = await expectFailure(.invalidArgument) { try await harness.call("companies.list", ["limit": 500]) }
        _ = await expectFailure(.invalidArgument) { try await harness.call("companies.list", ["cursor": "junk"]) }
    }
}
