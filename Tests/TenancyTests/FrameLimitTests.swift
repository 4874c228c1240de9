import Foundation
import MeshProtocol
import MeshRuntime
import MeshStore
import Testing

@testable import Tenancy

/// Under a lowered frame limit, tenancy stores no audit entry too large for a page of its own, and its
/// pages shrink with the frame.
@Suite struct FrameLimitTests {
    /// Opens tenancy's database in a new folder with the limits of a 64 KiB frame.
    private func openStore() throws -> (Database, String) {
        let folder = NSTemporaryDirectory() + "mesh-frame-limit-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var options = StoreOptions()
        options.synchronous = .normal
        options.maximumEventPayloadBytes = 65_536 - 4_096
        return (
            try Database(path: folder + "/tenancy.sqlite", migrations: Tenancy.migrations, options: options), folder
        )
    }

    @Test func oversizedAuditEntryFailsItsWrite() async throws {
        let (store, folder) = try openStore()
        defer {
            store.close()
            try? FileManager.default.removeItem(atPath: folder)
        }
        let before: JSONValue = ["notes": .string(String(repeating: "x", count: 40_000))]
        let after: JSONValue = ["notes": .string(String(repeating: "y", count: 40_000))]

        let error = await #expect(throws: RPCError.self) {
            try await store.write { connection in
                try AuditLog.record(
                    connection: connection, companyID: "cmp_a", actor: .root, action: "companies.configure",
                    targetType: "company", targetID: "cmp_a", before: before, after: after, atMs: 1)
            }
        }
        let entries = try await store.read { try $0.scalarInt("SELECT count(*) FROM audit") }

        #expect(error?.status == .resourceExhausted)
        #expect(error?.details?["action"] == "companies.configure")
        #expect(entries == 0)
    }

    /// A small change to a target with one long member keeps only what changed, so it is not refused.
    @Test func smallChangeOfLargeTargetKeepsChangedMembers() async throws {
        let (store, folder) = try openStore()
        defer {
            store.close()
            try? FileManager.default.removeItem(atPath: folder)
        }
        let description = JSONValue.string(String(repeating: "d", count: 50_000))
        let before: JSONValue = ["issue_id": "iss_1", "title": "Old", "description": description]
        let after: JSONValue = ["issue_id": "iss_1", "title": "New", "description": description]

        try await store.write { connection in
            try AuditLog.record(
                connection: connection, companyID: "cmp_a", actor: .root, action: "issues.update",
                targetType: "issue", targetID: "iss_1", before: before, after: after, atMs: 1)
        }
        let row = try await store.read { try $0.queryOne("SELECT before, after FROM audit") }

        #expect(row?.string("before") == #"{"issue_id":"iss_1","title":"Old"}"#)
        #expect(row?.string("after") == #"{"issue_id":"iss_1","title":"New"}"#)
    }

    @Test func pagesShrinkWithTheFrame() async throws {
        let (store, folder) = try openStore()
        defer {
            store.close()
            try? FileManager.default.removeItem(atPath: folder)
        }

        let budget = try await store.read { PageBudget.bytes(for: $0) }

        #expect(budget == (65_536 - 4_096) / 2)
    }

    @Test func settingsShrinkWithTheFrame() {
        let options: [JSONValue] = (0..<50).map { .string("option \($0) " + String(repeating: "o", count: 30)) }
        let fields: [JSONValue] = (0..<20).map {
            ["name": .string("Field \($0)"), "type": "select", "options": .array(options)]
        }
        var lowered = SettingsPatch(tier: .platinum, eventPayloadBytes: 65_536 - 4_096)
        var usual = SettingsPatch(tier: .platinum)

        // About 40 KB of settings: taken twice, they would not fit a 64 KiB frame.
        let rejected = lowered.apply(["custom_fields": .array(fields)], to: .defaults(for: .platinum))
        let accepted = usual.apply(["custom_fields": .array(fields)], to: .defaults(for: .platinum))

        #expect(SettingsPatch.maximumBytes(eventPayloadBytes: 65_536 - 4_096) == (65_536 - 4_096 - 8_192) / 2)
        #expect(rejected == nil)
        #expect(lowered.problems.first?.problem.contains("lowered MESH_MAX_FRAME_BYTES") == true)
        #expect(accepted != nil)
    }
}
