import Foundation
import MeshStore
import Testing

@testable import Analytics

@Suite struct OwnerInvitationMigrationTests {
    @Test func invitedOwnersGetProvisioningsExpiry() throws {
        let folder = NSTemporaryDirectory() + "analytics-migration-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/analytics.sqlite"
        let week: Int64 = 604_800_000

        let before = try Database(
            path: path,
            migrations: AnalyticsMigrations.all + AnalyticsMigrations.resolutionKey
                + AnalyticsMigrations.invitationExpiry)
        try before.writeSync { connection in
            try connection.execute(
                """
                INSERT INTO users (company_id, user_id, role, status, status_at_ms, invited_at_ms,
                                   invitation_expires_at_ms)
                VALUES ('cmp_a', 'usr_owner', 'owner', 'invited', 1000, 1000, NULL),
                       ('cmp_b', 'usr_owner', 'owner', 'active', 2000, 1000, NULL),
                       ('cmp_c', 'usr_owner', 'owner', 'invited', 9000, 1000, 99999999999),
                       ('cmp_d', 'usr_member', 'member', 'invited', 1000, 1000, NULL)
                """)
        }
        before.close()

        let after = try Database(path: path, migrations: Analytics.migrations)
        defer { after.close() }
        let rows = try after.readSync {
            try $0.query("SELECT company_id, invitation_expires_at_ms FROM users ORDER BY company_id")
        }

        #expect(rows.map { $0.int("invitation_expires_at_ms") } == [1000 + week, nil, 99_999_999_999, nil])
    }
}
