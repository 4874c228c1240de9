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

        var document: [String: JSONValue] = [:]
        var cursor: String?
        var pages = 0
        repeat {
            var params: [String: JSONValue] = ["company_id": .string(company.companyID), "page_bytes": 1_024]
            params["cursor"] = cursor.map { .string($0) }
            let reply = try await harness.call("companies.exportPage", .object(params), as: company.owner)
            ExportPages.merge(reply["page"]?.objectValue ?? [:], into: &document)
            cursor = reply["next_cursor"]?.stringValue
            pages += 1
        } while cursor?.contains(#""service":"tenancy""#) == true && pages < 100

        let local = try harness.store.readSync { connection in
            let record = try #require(try CompanyRecord.load(company.companyID, in: connection))
            return try CompanyExport.local(record, atMs: harness.clock.nowMs(), in: connection)
        }
        #expect(pages > 3, "\(pages) pages")
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
