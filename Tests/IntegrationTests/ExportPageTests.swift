import Foundation
import MeshClient
import MeshProtocol
import MeshTesting
import Testing

/// `companies.exportPage` gives the same document as `companies.export`, in pages of a chosen size.
@Suite(.serialized)
struct ExportPageTests {
    @Test func pagesAddUpToTheWholeExport() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        let companyID = try await mesh.provision("Paged Export", email: "owner@paged.example", tier: "premium")
        let owner = try await mesh.signIn("owner@paged.example")
        _ = try await owner.call("teams.create", ["name": "Platform"])
        for number in 1...12 {
            _ = try await owner.call(
                "issues.create",
                [
                    "title": .string("Issue \(number)"), "type": "Bug",
                    "description": .string(String(repeating: "x", count: 300)),
                ],
                idempotencyKey: "paged-\(number)")
        }

        // The services record the company's events shortly after each write, so both exports are read
        // until the whole one no longer changes. Root reads them, because root's calls are not counted, and
        // the owner's counted calls would add usage events between the reads.
        let (whole, paged, pages) = try await mesh.eventually {
            let before = try await mesh.root.call("companies.export", ["company_id": .string(companyID)])
            var pages = 0
            var cursor: String?
            var document: [String: JSONValue] = [:]
            repeat {
                var params: [String: JSONValue] = ["company_id": .string(companyID), "page_bytes": 2_048]
                params["cursor"] = cursor.map { .string($0) }
                let reply = try await mesh.root.call("companies.exportPage", .object(params))
                ExportPages.merge(reply["page"]?.objectValue ?? [:], into: &document)
                cursor = reply["next_cursor"]?.stringValue
                pages += 1
            } while cursor != nil && pages < 1_000
            let after = try await mesh.root.call("companies.export", ["company_id": .string(companyID)])

            let events = after["analytics"]?["events"]?.arrayValue?.count ?? 0
            guard Self.withoutExportTimes(before) == Self.withoutExportTimes(after), events >= 14 else {
                throw RPCError(.unavailable, "the services are still recording the company's events")
            }
            return (after, JSONValue.object(document), pages)
        }

        #expect(pages > 10, "\(pages) pages")
        #expect(Self.withoutExportTimes(paged) == Self.withoutExportTimes(whole), "the pages differ from the export")
        #expect(paged["workspace"]?["issues"]?.arrayValue?.count == 12)
        #expect(paged["billing"]?["subscription"]?["company_id"]?.stringValue == companyID)

        // The client's helper reads the same pages.
        let helper = try await mesh.root.exportCompany(companyID, pageBytes: 4_096)
        #expect(Self.withoutExportTimes(helper) == Self.withoutExportTimes(whole), "the helper's export differs")

        // The owner reads the own company's export without naming it.
        let first = try await owner.call("companies.exportPage", [:])
        #expect(first["page"]?["company"]?["company_id"]?.stringValue == companyID)
        #expect(first["next_cursor"]?.stringValue != nil)

        let bad = await #expect(throws: RPCError.self) {
            _ = try await owner.call("companies.exportPage", ["cursor": "page 2"])
        }
        #expect(bad?.details?["field"] == "cursor")
    }

    /// Returns `value` without the `exported_at_ms` members, which differ between two reads.
    static func withoutExportTimes(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            return .object(members.filter { $0.key != "exported_at_ms" }.mapValues(withoutExportTimes))
        case .array(let items):
            return .array(items.map(withoutExportTimes))
        default:
            return value
        }
    }
}
