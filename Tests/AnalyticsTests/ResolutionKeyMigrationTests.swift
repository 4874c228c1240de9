import Foundation
import MeshStore
import Testing

@testable import Analytics

@Suite struct ResolutionKeyMigrationTests {
    @Test func existingResolutionsKeepTheirTimeAsKey() throws {
        let folder = NSTemporaryDirectory() + "analytics-migration-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/analytics.sqlite"

        let before = try Database(path: path, migrations: AnalyticsMigrations.all)
        try before.writeSync { connection in
            try connection.execute(
                """
                INSERT INTO resolutions (company_id, issue_id, resolved_at_ms, created_at_ms, resolution_ms, team_id)
                VALUES ('cmp_a', 'iss_1', 5000, 1000, 4000, NULL)
                """)
        }
        before.close()

        let after = try Database(path: path, migrations: Analytics.migrations)
        defer { after.close() }
        let rows = try after.readSync { try $0.query("SELECT * FROM resolutions") }

        #expect(rows.count == 1)
        #expect(rows.first?.string("resolution_key") == "at:5000")
        #expect(rows.first?.int("resolution_ms") == 4000)
    }
}
