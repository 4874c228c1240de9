import MeshProtocol
import MeshRuntime
import MeshTesting
import TenantModel
import Testing

@testable import Tenancy

@Suite("Audit log") struct AuditLogTests {
    @Test func changesAreRecordedWithBeforeAndAfter() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard(tier: "premium")
        _ = try await harness.call(
            "companies.configure",
            ["company_id": .string(company.companyID), "settings": ["priorities": ["Low", "High"]]],
            as: company.owner
        )
        _ = try await harness.call(
            "companies.changeTier", ["company_id": .string(company.companyID), "tier": "platinum"], as: company.owner
        )

        let page = try await harness.call("audit.list", ["company_id": .string(company.companyID)], as: company.owner)
        let entries = try #require(page["entries"]?.arrayValue)
        #expect(
            entries.map { $0["action"]?.stringValue ?? "" } == [
                "companies.changeTier", "companies.configure", "auth.acceptInvitation", "companies.provision",
            ])

        let tier = entries[0]
        #expect(tier["before"]?["tier"] == "premium")
        #expect(tier["after"]?["tier"] == "platinum")
        #expect(tier["actor"]?["kind"] == "user")
        #expect(tier["actor"]?["user_id"]?.stringValue == company.ownerID)
        #expect(tier["target_type"] == "company")
        #expect(tier["target_id"]?.stringValue == company.companyID)

        let configure = entries[1]
        #expect(configure["before"]?["priorities"] == ["Low", "Medium", "High", "Critical"])
        #expect(configure["after"]?["priorities"] == ["Low", "High"])
        #expect(entries[3]["actor"]?["kind"] == "root")
        #expect(entries[3]["before"] == .null)
        #expect(entries[3]["after"]?["company"]?["company_id"]?.stringValue == company.companyID)
    }

    @Test func reinviteKeepsTheUserBefore() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard(tier: "premium")
        let invite: JSONValue = ["company_id": .string(company.companyID), "email": "r@tech.example", "name": "R"]
        _ = try await harness.call("users.invite", invite, as: company.owner)
        _ = try await harness.call("users.invite", invite, as: company.owner)

        let page = try await harness.call("audit.list", ["company_id": .string(company.companyID)], as: company.owner)
        let entry = try #require(page["entries"]?.arrayValue?.first)

        #expect(entry["action"] == "users.reinvite")
        #expect(entry["before"]?["email"] == "r@tech.example")
        #expect(entry["before"]?["status"] == "invited")
        #expect(entry["after"] == entry["before"])
    }

    @Test func pagesFollowTheCursor() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard(tier: "premium")
        for index in 0..<3 {
            _ = try await harness.call(
                "users.invite",
                ["company_id": .string(company.companyID), "email": .string("a\(index)@tech.example"), "name": "A"],
                as: company.owner
            )
        }

        let first = try await harness.call("audit.list", ["company_id": .string(company.companyID), "limit": 3])
        let cursor = try #require(first["next_cursor"]?.stringValue)
        let second = try await harness.call(
            "audit.list", ["company_id": .string(company.companyID), "limit": 3, "cursor": .string(cursor)]
        )
        let ids = ((first["entries"]?.arrayValue ?? []) + (second["entries"]?.arrayValue ?? [])).compactMap {
            $0["audit_id"]?.stringValue
        }
        #expect(Set(ids).count == 5)
        #expect(second["next_cursor"] == nil)
    }

    @Test func cursorRevealsNoCountAndStaysWithItsCompany() async throws {
        let harness = try TenancyHarness()
        let mine = try await harness.onboard(name: "Mine", tier: "premium")
        let theirs = try await harness.onboard(name: "Theirs", tier: "premium")
        for index in 0..<3 {
            _ = try await harness.call(
                "users.invite",
                ["company_id": .string(theirs.companyID), "email": .string("t\(index)@theirs.example"), "name": "T"],
                as: theirs.owner
            )
        }

        let page = try await harness.call("audit.list", ["company_id": .string(theirs.companyID), "limit": 1])
        let cursor = try #require(page["next_cursor"]?.stringValue)
        let borrowed = await expectFailure(.invalidArgument) {
            try await harness.call(
                "audit.list", ["company_id": .string(mine.companyID), "cursor": .string(cursor)], as: mine.owner)
        }

        // Entry numbers count every company's entries, so the cursor must not show one.
        #expect(cursor.hasPrefix("c1."))
        #expect(Int(cursor) == nil)
        #expect(borrowed?.details?["field"] == "cursor")
    }

    @Test func adminCannotReadTheAuditLog() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let admin = try await harness.addUser(to: company, email: "a@tech.example", role: .admin)
        let error = await expectFailure(.permissionDenied) {
            try await harness.call("audit.list", ["company_id": .string(company.companyID)], as: admin.caller)
        }
        #expect(error?.details?["required_role"] == "owner")
    }
}
