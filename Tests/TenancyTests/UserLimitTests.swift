import MeshProtocol
import MeshRuntime
import MeshTesting
import TenantModel
import Testing

@testable import Tenancy

@Suite("User limit") struct UserLimitTests {
    func invite(_ harness: TenancyHarness, _ company: OnboardedCompany, _ email: String) async throws -> JSONValue {
        try await harness.call(
            "users.invite",
            ["company_id": .string(company.companyID), "email": .string(email), "name": "N", "role": "member"],
            as: company.owner
        )
    }

    @Test func sixthUserOnBasicIsRefusedWithTheFigures() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        for index in 2...5 {
            _ = try await invite(harness, company, "user\(index)@tech.example")
        }

        let error = await expectFailure(.resourceExhausted) { try await invite(harness, company, "six@tech.example") }
        #expect(error?.details?["limit"] == "users")
        #expect(error?.details?["reason"] == "tier_limit")
        #expect(error?.details?["allowed"] == 5)
        #expect(error?.details?["current"] == 5)
        #expect(error?.message.contains("5 of 5") == true)
        #expect(try harness.count("users") == 5)
    }

    @Test func fiftyConcurrentInvitesOneBelowTheLimitCreateOne() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        for index in 2...4 {
            _ = try await invite(harness, company, "user\(index)@tech.example")
        }

        let outcomes = await withTaskGroup(of: RPCStatus?.self) { group in
            for index in 0..<50 {
                group.addTask {
                    do {
                        _ = try await invite(harness, company, "racer\(index)@tech.example")
                        return nil
                    } catch let error as RPCError {
                        return error.status
                    } catch {
                        return .internal
                    }
                }
            }
            var collected: [RPCStatus?] = []
            for await outcome in group {
                collected.append(outcome)
            }
            return collected
        }

        #expect(outcomes.filter { $0 == nil }.count == 1)
        #expect(outcomes.filter { $0 == .resourceExhausted }.count == 49)
        #expect(try harness.count("users", where: "company_id = ?", [.text(company.companyID)]) == 5)
        #expect(try harness.published().filter { $0.topic == EventTopic.userInvited }.count == 4)
    }

    @Test func deactivationFreesASeatAndReactivationChecksTheLimit() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let member = try await harness.addUser(to: company, email: "m@tech.example")
        for index in 3...5 {
            _ = try await invite(harness, company, "user\(index)@tech.example")
        }
        let target: JSONValue = ["company_id": .string(company.companyID), "user_id": .string(member.userID)]

        _ = try await harness.call("users.deactivate", target, as: company.owner)
        _ = try await invite(harness, company, "replacement@tech.example")

        _ = await expectFailure(.resourceExhausted) {
            try await harness.call("users.reactivate", target, as: company.owner)
        }
    }

    @Test func userWhoseInvitationExpiredComesBackWithoutASeat() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let invited = try await invite(harness, company, "late@tech.example")
        let userID = try #require(invited["user"]?["user_id"])
        let target: JSONValue = ["company_id": .string(company.companyID), "user_id": userID]
        _ = try await harness.call("users.deactivate", target, as: company.owner)
        try harness.advance(days: 8)
        for index in 2...5 {
            _ = try await invite(harness, company, "user\(index)@tech.example")
        }

        // The company is full, but the user's invitation has expired, so coming back takes no seat.
        let back = try await harness.call("users.reactivate", target, as: company.owner)
        #expect(back["status"] == "invited")
        let read = try await harness.call("companies.get", ["company_id": .string(company.companyID)])
        #expect(read["usage"]?["users"] == 5)

        // A new invitation would take a seat, and none is free.
        _ = await expectFailure(.resourceExhausted) {
            try await invite(harness, company, "late@tech.example")
        }
    }

    @Test func everyInviteProblemIsListed() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()

        let error = await expectFailure(.invalidArgument) {
            try await harness.call(
                "users.invite",
                ["company_id": .string(company.companyID), "email": "nope", "name": "", "role": "boss"],
                as: company.owner)
        }

        let fields = error?.details?["problems"]?.arrayValue?.compactMap { $0["field"]?.stringValue }
        #expect(fields == ["email", "name", "role"], "\(String(describing: error))")
        #expect(error?.message.hasPrefix("users.invite has 3 problems: ") == true)
    }

    @Test func reactivatedUserWhoHadAcceptedIsActive() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let member = try await harness.addUser(to: company, email: "m@tech.example")
        let target: JSONValue = ["company_id": .string(company.companyID), "user_id": .string(member.userID)]

        _ = try await harness.call("users.deactivate", target, as: company.owner)
        let back = try await harness.call("users.reactivate", target, as: company.owner)
        #expect(back["status"] == "active")
        #expect(try harness.published().contains { $0.topic == EventTopic.userReactivated })
    }

    @Test func duplicateActiveEmailIsAlreadyExists() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        _ = try await harness.addUser(to: company, email: "dup@tech.example")

        let error = await expectFailure(.alreadyExists) { try await invite(harness, company, "DUP@tech.example") }
        #expect(error?.message.contains("already active") == true)
    }

    @Test func invitingAnInvitedUserAgainReplacesTheToken() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        let first = try await invite(harness, company, "late@tech.example")
        let userID = try #require(first["user"]?["user_id"]?.stringValue)
        let oldToken = try harness.invitationToken(for: userID)
        try harness.advance(days: 8)

        let second = try await invite(harness, company, "late@tech.example")
        #expect(second["user"]?["user_id"]?.stringValue == userID)
        let newToken = try harness.invitationToken(for: userID)
        #expect(newToken != oldToken)
        #expect(try harness.count("users") == 2)

        _ = await expectFailure(.failedPrecondition) {
            try await harness.call("auth.acceptInvitation", ["token": .string(oldToken)], as: nil)
        }
        let accepted = try await harness.call("auth.acceptInvitation", ["token": .string(newToken)], as: nil)
        #expect(accepted["user"]?["status"] == "active")
    }

    @Test func expiredInvitationFreesItsSeat() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        for index in 2...5 {
            _ = try await invite(harness, company, "user\(index)@tech.example")
        }
        try harness.advance(days: 8)

        // Four invitations expired, so only the owner has a seat and four new users fit.
        for index in 6...9 {
            _ = try await invite(harness, company, "user\(index)@tech.example")
        }
        let view = try await harness.call(
            "companies.get", ["company_id": .string(company.companyID)], as: company.owner)
        #expect(view["usage"]?["users"] == 5)

        // Inviting an expired user again takes a seat again, and none is left.
        let error = await expectFailure(.resourceExhausted) { try await invite(harness, company, "user2@tech.example") }
        #expect(error?.details?["current"] == 5)
    }

    @Test func renewingALiveInvitationNeedsNoSeat() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        for index in 2...5 {
            _ = try await invite(harness, company, "user\(index)@tech.example")
        }

        let renewed = try await invite(harness, company, "user5@tech.example")

        #expect(renewed["user"]?["status"] == "invited")
        #expect(try harness.count("users") == 5)
    }
}
