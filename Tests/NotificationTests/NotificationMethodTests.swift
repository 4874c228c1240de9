import MeshProtocol
import MeshRuntime
import MeshTesting
import Testing

@testable import Notification

@Suite struct NotificationMethodTests {
    typealias Fixture = NotificationEventsFixture

    static let userOfA = Caller(kind: .user, companyID: "cmp_a", userID: "usr_a", role: "viewer")

    /// Companies `cmp_a` and `cmp_b`, each with its welcome message.
    func twoCompanies() throws -> NotificationHarness {
        let harness = try NotificationHarness()
        let now = harness.clock.nowMs()
        try harness.deliver([
            Fixture.provisioned("cmp_a", token: Fixture.token(), at: now),
            Fixture.provisioned(
                "cmp_b", name: "Beta Labs", ownerEmail: "bea@beta.example", token: Fixture.token(), at: now),
        ])
        return harness
    }

    /// A company notification has not heard of gets a retryable NOT_FOUND; the harness has no tenancy to
    /// confirm that the id does not exist at all.
    @Test func unknownCompanyIsNotFound() async throws {
        let harness = try twoCompanies()

        let error = await #expect(throws: RPCError.self) {
            try await harness.call("notifications.list", ["company_id": "cmp_nope"])
        }

        #expect(error?.status == .notFound)
        #expect(error?.retryable == true)
        #expect(error?.message.contains("is not known to notification yet") == true)
    }

    @Test func anotherCompanysMessagesAreNotFound() async throws {
        let harness = try twoCompanies()

        let own = try await harness.call("notifications.list", ["company_id": "cmp_a"], as: Self.userOfA)
        #expect(own["messages"]?.arrayValue?.count == 1)
        // Members without a value are listed as null, not left out.
        let members = Set(own["messages"]?.arrayValue?.first?.objectValue?.keys.map { $0 } ?? [])
        #expect(members.isSuperset(of: ["last_error", "next_attempt_ms", "sent_at_ms"]))

        let listError = await #expect(throws: RPCError.self) {
            try await harness.call("notifications.list", ["company_id": "cmp_b"], as: Self.userOfA)
        }
        #expect(listError?.status == .notFound)

        let ofB = try await harness.call("notifications.list", ["company_id": "cmp_b"])
        let messageOfB = try #require(ofB["messages"]?.arrayValue?.first?["message_id"])
        let underOwnID = await #expect(throws: RPCError.self) {
            try await harness.call(
                "notifications.get", ["company_id": "cmp_a", "message_id": messageOfB], as: Self.userOfA)
        }
        #expect(underOwnID?.status == .notFound)
        let underTheirID = await #expect(throws: RPCError.self) {
            try await harness.call(
                "notifications.get", ["company_id": "cmp_b", "message_id": messageOfB], as: Self.userOfA)
        }
        #expect(underTheirID?.status == .notFound)
    }

    @Test func getOmitsMessageText() async throws {
        let harness = try twoCompanies()
        let listed = try await harness.call("notifications.list", ["company_id": "cmp_a"], as: Self.userOfA)
        let messageID = try #require(listed["messages"]?.arrayValue?.first?["message_id"])

        let message = try await harness.call(
            "notifications.get", ["company_id": "cmp_a", "message_id": messageID], as: Self.userOfA)

        #expect(message["subject"]?.stringValue == "Welcome to TenantMesh: activate Acme Tools")
        #expect(message["status"]?.stringValue == "sent")
        #expect(message["body"] == nil)
        #expect(message["webhook_text"] == nil)
    }

    @Test func listPagesNewestFirstWithACursor() async throws {
        let harness = try twoCompanies()
        let now = harness.clock.nowMs()
        try harness.deliver([
            Fixture.tierChanged("cmp_a", from: "basic", to: "premium", at: now + 1),
            Fixture.suspended("cmp_a", reason: "unpaid invoice", reactivateAt: nil, at: now + 2),
            Fixture.reactivated("cmp_a", automatic: false, at: now + 3),
            Fixture.tierChanged("cmp_a", from: "premium", to: "basic", at: now + 4),
        ])

        var kinds: [String] = []
        var pageSizes: [Int] = []
        var cursor: JSONValue = .null
        repeat {
            var params: [String: JSONValue] = ["company_id": "cmp_a", "limit": 2]
            if cursor != .null {
                params["cursor"] = cursor
            }
            let page = try await harness.call("notifications.list", .object(params), as: Self.userOfA)
            let messages = try #require(page["messages"]?.arrayValue)
            pageSizes.append(messages.count)
            kinds += messages.compactMap { $0["kind"]?.stringValue }
            cursor = page["next_cursor"] ?? .null
        } while cursor != .null

        #expect(pageSizes == [2, 2, 1])
        #expect(kinds == ["tier_changed", "reactivated", "suspended", "tier_changed", "welcome"])
    }

    @Test func cursorRevealsNoCountAndStaysWithItsCompany() async throws {
        let harness = try twoCompanies()
        let now = harness.clock.nowMs()
        try harness.deliver([Fixture.tierChanged("cmp_a", from: "basic", to: "premium", at: now + 1)])

        let page = try await harness.call("notifications.list", ["company_id": "cmp_a", "limit": 1])
        let cursor = try #require(page["next_cursor"]?.stringValue)
        let borrowed = await #expect(throws: RPCError.self) {
            try await harness.call("notifications.list", ["company_id": "cmp_b", "cursor": .string(cursor)])
        }

        // Message numbers count every company's messages, so the cursor must not show one.
        #expect(cursor.hasPrefix("c1."))
        #expect(Int(cursor) == nil)
        #expect(borrowed?.details?["field"]?.stringValue == "cursor")
    }

    @Test(arguments: [0, 201, -5])
    func outOfRangeLimitIsRejected(limit: Int64) async throws {
        let harness = try twoCompanies()

        let error = await #expect(throws: RPCError.self) {
            try await harness.call("notifications.list", ["company_id": "cmp_a", "limit": .int(limit)])
        }
        #expect(error?.details?["field"]?.stringValue == "limit")
    }

    @Test(arguments: ["abc", "0", "-3"])
    func malformedCursorIsRejected(cursor: String) async throws {
        let harness = try twoCompanies()

        let error = await #expect(throws: RPCError.self) {
            try await harness.call("notifications.list", ["company_id": "cmp_a", "cursor": .string(cursor)])
        }
        #expect(error?.details?["field"]?.stringValue == "cursor")
    }

    @Test func emailRetryIsRejected() async throws {
        let harness = try twoCompanies()
        let listed = try await harness.call("notifications.list", ["company_id": "cmp_a"])
        let messageID = try #require(listed["messages"]?.arrayValue?.first?["message_id"])

        let error = await #expect(throws: RPCError.self) {
            try await harness.call("notifications.retry", ["message_id": messageID])
        }
        #expect(error?.status == .failedPrecondition)
        #expect(error?.details?["status"] == "sent")

        let missing = await #expect(throws: RPCError.self) {
            try await harness.call("notifications.retry", ["message_id": "msg_00000000000000000000000000000000"])
        }
        #expect(missing?.status == .notFound)
    }

    @Test func exportOmitsTokens() async throws {
        let harness = try NotificationHarness()
        let token = Fixture.token()
        try harness.deliver([Fixture.provisioned("cmp_a", token: token, at: harness.clock.nowMs())])

        let exported = try await harness.call("notifications.export", ["company_id": "cmp_a"], as: .service)

        #expect(exported["company_id"]?.stringValue == "cmp_a")
        #expect(exported["company"]?["owner_email"]?.stringValue == "olivia@acme.example")
        #expect(exported["company"]?["tier"]?.stringValue == "basic")
        #expect(exported["messages"]?.arrayValue?.count == 1)
        #expect(!exported.allStrings.contains { $0.contains(token) })
        #expect(harness.parts.methods["notifications.export"]?.descriptor.scope == .internal)
    }
}
