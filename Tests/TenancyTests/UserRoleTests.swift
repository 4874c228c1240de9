import MeshProtocol
import MeshRuntime
import MeshTesting
import TenantModel
import Testing

@testable import Tenancy

@Suite("User roles") struct UserRoleTests {
    @Test func lastActiveOwnerCannotBeDemotedOrDeactivated() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let target: JSONValue = ["company_id": .string(company.companyID), "user_id": .string(company.ownerID)]

        let demote = await expectFailure(.failedPrecondition) {
            try await harness.call(
                "users.setRole",
                ["company_id": .string(company.companyID), "user_id": .string(company.ownerID), "role": "admin"],
                as: company.owner
            )
        }
        #expect(demote?.message.contains("last active owner") == true)
        _ = await expectFailure(.failedPrecondition) { try await harness.call("users.deactivate", target) }
    }

    @Test func ownerCanStepDownOnceAnotherOwnerIsActive() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let second = try await harness.addUser(to: company, email: "second@tech.example", role: .owner)

        let demoted = try await harness.call(
            "users.setRole",
            ["company_id": .string(company.companyID), "user_id": .string(company.ownerID), "role": "member"],
            as: second.caller
        )
        #expect(demoted["role"] == "member")

        let event = try #require(try harness.published().last { $0.topic == EventTopic.userUpdated })
        #expect(event.payload["role"] == "member")
        #expect(event.payload["user_id"]?.stringValue == company.ownerID)
    }

    @Test func invitedOwnerDoesNotCountAsActive() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        _ = try await harness.call(
            "users.invite",
            ["company_id": .string(company.companyID), "email": "o2@tech.example", "name": "O", "role": "owner"],
            as: company.owner
        )
        _ = await expectFailure(.failedPrecondition) {
            try await harness.call(
                "users.setRole",
                ["company_id": .string(company.companyID), "user_id": .string(company.ownerID), "role": "admin"],
                as: company.owner
            )
        }
    }

    @Test func adminCannotGrantOwner() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let admin = try await harness.addUser(to: company, email: "a@tech.example", role: .admin)
        let member = try await harness.addUser(to: company, email: "m@tech.example")

        let grant = await expectFailure(.permissionDenied) {
            try await harness.call(
                "users.setRole",
                ["company_id": .string(company.companyID), "user_id": .string(member.userID), "role": "owner"],
                as: admin.caller
            )
        }
        #expect(grant?.details?["method"] == "users.setRole")
        #expect(grant?.details?["required_role"] == "owner")
        #expect(grant?.details?["role"] == "admin")
        let invite = await expectFailure(.permissionDenied) {
            try await harness.call(
                "users.invite",
                ["company_id": .string(company.companyID), "email": "x@tech.example", "name": "X", "role": "owner"],
                as: admin.caller
            )
        }
        #expect(invite?.details?["method"] == "users.invite")
        #expect(invite?.details?["role"] == "admin")
        let promoted = try await harness.call(
            "users.setRole",
            ["company_id": .string(company.companyID), "user_id": .string(member.userID), "role": "admin"],
            as: admin.caller
        )
        #expect(promoted["role"] == "admin")
    }

    @Test func viewerCannotInvite() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let viewer = try await harness.addUser(to: company, email: "v@tech.example", role: .viewer)

        let error = await expectFailure(.permissionDenied) {
            try await harness.call(
                "users.invite",
                ["company_id": .string(company.companyID), "email": "x@tech.example", "name": "X", "role": "member"],
                as: viewer.caller
            )
        }
        #expect(error?.details?["required_role"] == "admin")
        #expect(error?.message.contains("admin role") == true)
    }

    @Test func reinviteWithAnotherRoleIsRejected() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let invite: JSONValue = [
            "company_id": .string(company.companyID), "email": "bob@tech.example", "name": "Bob", "role": "member",
        ]
        let first = try await harness.call("users.invite", invite, as: company.owner)
        let userID = try #require(first["user"]?["user_id"]?.stringValue)

        var promoted = invite.objectValue ?? [:]
        promoted["role"] = "admin"
        let roleError = await expectFailure(.alreadyExists) {
            try await harness.call("users.invite", .object(promoted), as: company.owner)
        }
        #expect(roleError?.message.contains("already invited") == true)
        #expect(roleError?.message.contains("as member under the name 'Bob'") == true)
        #expect(roleError?.message.contains("users.setRole for user \(userID)") == true)
        #expect(roleError?.details?["role"] == "member")

        var renamed = invite.objectValue ?? [:]
        renamed["name"] = "Robert"
        _ = await expectFailure(.alreadyExists) {
            try await harness.call("users.invite", .object(renamed), as: company.owner)
        }

        // The same name and role still send a fresh invitation, and so does leaving the role out.
        let again = try await harness.call("users.invite", invite, as: company.owner)
        #expect(again["user"]?["user_id"]?.stringValue == userID)
        #expect(again["user"]?["role"] == "member")

        var admin = invite.objectValue ?? [:]
        admin["email"] = "ann@tech.example"
        admin["role"] = "admin"
        _ = try await harness.call("users.invite", .object(admin), as: company.owner)
        admin["role"] = nil
        let roleLeftOut = try await harness.call("users.invite", .object(admin), as: company.owner)
        #expect(roleLeftOut["user"]?["role"] == "admin")
    }

    @Test func enumParamsIgnoreLetterCase() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        _ = try await harness.call(
            "users.invite",
            ["company_id": .string(company.companyID), "email": "v@tech.example", "name": "V", "role": "Viewer"],
            as: company.owner)

        let invited = try await harness.call(
            "users.list", ["company_id": .string(company.companyID), "status": "INVITED"], as: company.owner)
        let users = invited["users"]?.arrayValue ?? []
        #expect(users.map { $0["email"] } == ["v@tech.example"])
        #expect(users.first?["role"] == "viewer")
        #expect(users.first?["status"] == "invited")

        let misspelt = await expectFailure(.invalidArgument) {
            try await harness.call(
                "users.list", ["company_id": .string(company.companyID), "status": "Invitd"], as: company.owner)
        }
        #expect(misspelt?.message.contains("received \"Invitd\"") == true)
        #expect(misspelt?.details?["allowed"] == ["invited", "active", "deactivated"])
    }

    @Test func cursorOfAnotherListIsRejected() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        _ = try await harness.onboard(name: "Second")
        let companies = try await harness.call("companies.list", ["limit": 1])
        let cursor = try #require(companies["next_cursor"])

        let error = await expectFailure(.invalidArgument) {
            try await harness.call(
                "users.list", ["company_id": .string(company.companyID), "cursor": cursor], as: company.owner)
        }
        #expect(error?.details?["field"] == "cursor")
        #expect(error?.message.contains("is not one users.list returned") == true)
    }

    @Test func everyRoleCanReadUsers() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let viewer = try await harness.addUser(to: company, email: "v@tech.example", role: .viewer)

        let list = try await harness.call("users.list", ["company_id": .string(company.companyID)], as: viewer.caller)
        #expect(list["users"]?.arrayValue?.count == 2)

        let invitedOnly = try await harness.call(
            "users.list", ["company_id": .string(company.companyID), "status": "invited"], as: viewer.caller
        )
        #expect(invitedOnly["users"]?.arrayValue?.isEmpty == true)

        let one = try await harness.call(
            "users.get", ["company_id": .string(company.companyID), "user_id": .string(company.ownerID)],
            as: viewer.caller
        )
        #expect(one["role"] == "owner")
    }

    @Test func usersListPagesWithACursor() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard(tier: "premium")
        for index in 0..<4 {
            _ = try await harness.call(
                "users.invite",
                ["company_id": .string(company.companyID), "email": .string("p\(index)@tech.example"), "name": "P"],
                as: company.owner
            )
        }

        let first = try await harness.call("users.list", ["company_id": .string(company.companyID), "limit": 3])
        let cursor = try #require(first["next_cursor"]?.stringValue)
        let second = try await harness.call(
            "users.list", ["company_id": .string(company.companyID), "limit": 3, "cursor": .string(cursor)]
        )
        let ids = (first["users"]?.arrayValue ?? []) + (second["users"]?.arrayValue ?? [])
        #expect(Set(ids.compactMap { $0["user_id"]?.stringValue }).count == 5)
        #expect(second["next_cursor"] == nil)
    }
}
