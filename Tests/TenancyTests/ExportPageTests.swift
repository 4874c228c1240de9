import MeshProtocol
import MeshRuntime
import Testing

@testable import Tenancy

/// `companies.exportPage` reads tenancy's part in pages, then calls the other services for theirs.
@Suite struct TenancyExportPageTests {
    @Test func tenancyPagesAddUpToItsPart() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()
        for index in 1...4 {
            _ = try await harness.addUser(to: company, email: "user\(index)@tech.example")
        }
        // Teams have no tier limit, so they come in pages like every other list.
        for index in 1...12 {
            _ = try await harness.call(
                "teams.create",
                [
                    "company_id": .string(company.companyID),
                    "name": .string("Team \(index) " + String(repeating: "t", count: 80)),
                ],
                as: company.owner)
        }

        var document: [String: JSONValue] = [:]
        var cursor: String?
        var pages = 0
        let seal = try harness.environment.cursors
        // Cursors are sealed, so the test opens one to learn whose part comes next.
        func nextService(_ cursor: String?) throws -> String? {
            try cursor.map { try ExportCursor(parsing: $0, companyID: company.companyID, seal: seal).service }
        }
        repeat {
            var params: [String: JSONValue] = ["company_id": .string(company.companyID), "page_bytes": 1_024]
            params["cursor"] = cursor.map { .string($0) }
            let reply = try await harness.call("companies.exportPage", .object(params), as: company.owner)
            ExportPages.merge(reply["page"]?.objectValue ?? [:], into: &document)
            cursor = reply["next_cursor"]?.stringValue
            pages += 1
        } while try nextService(cursor) == "tenancy" && pages < 100

        let local = try harness.store.readSync { connection in
            let record = try #require(try CompanyRecord.load(company.companyID, in: connection))
            return try CompanyExport.local(record, atMs: harness.clock.nowMs(), in: connection)
        }
        #expect(pages > 6, "\(pages) pages")
        #expect(document["workspace"]?["teams"]?.arrayValue?.count == 12)
        #expect(document["exported_at_ms"] != nil)
        document["exported_at_ms"] = nil
        #expect(JSONValue.object(document) == JSONValue.object(local))
        #expect(document["users"]?.arrayValue?.count == 5)

        // The next part is billing's, and billing does not run here: the same cursor can be sent again.
        let error = await expectFailure(.unavailable) {
            try await harness.call(
                "companies.exportPage", ["company_id": .string(company.companyID), "cursor": .string(cursor ?? "")],
                as: company.owner)
        }
        #expect(error?.details?["service"] == "billing")
        #expect(error?.retryable == true)
    }

    @Test(arguments: [#"{"service":"mail"}"#, #"{"service":"tenancy","position":{"list":-1}}"#, "2"])
    func foreignCursorIsRejected(_ cursor: String) async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()

        let error = await expectFailure(.invalidArgument) {
            try await harness.call(
                "companies.exportPage", ["company_id": .string(company.companyID), "cursor": .string(cursor)],
                as: company.owner)
        }
        #expect(error?.details?["field"] == "cursor")
    }

    @Test func cursorOfAnotherCompanyOrListIsRejected() async throws {
        let harness = try TenancyHarness()
        let mine = try await harness.onboard(name: "Mine")
        let theirs = try await harness.onboard(name: "Theirs")
        let first = try await harness.call(
            "companies.exportPage", ["company_id": .string(theirs.companyID), "page_bytes": 1_024], as: theirs.owner)
        let cursor = try #require(first["next_cursor"]?.stringValue)
        // A cursor sealed by this mesh, but with a position no page returned.
        let wrongKey = ExportCursor(companyID: mine.companyID, service: "tenancy", position: ["list": 0, "after": [1]])
            .text(sealedWith: try harness.environment.cursors)

        for (text, named) in [(cursor, "is not one companies.exportPage returned"), (wrongKey, "never returned")] {
            let error = await expectFailure(.invalidArgument) {
                try await harness.call(
                    "companies.exportPage", ["company_id": .string(mine.companyID), "cursor": .string(text)],
                    as: mine.owner)
            }
            #expect(error?.details?["field"] == "cursor")
            #expect(error?.message.contains(named) == true, "\(String(describing: error))")
        }
    }

    @Test func pageBytesOutOfRangeIsRejected() async throws {
        let harness = try TenancyHarness()
        let company = try await harness.onboard()

        let error = await expectFailure(.invalidArgument) {
            try await harness.call(
                "companies.exportPage", ["company_id": .string(company.companyID), "page_bytes": 10], as: company.owner)
        }
        #expect(error?.details?["field"] == "page_bytes")
    }
}
