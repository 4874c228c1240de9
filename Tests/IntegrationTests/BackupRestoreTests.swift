import Foundation
import MeshClient
import MeshProtocol
import MeshTesting
import Testing

/// `mesh backup` copies a running mesh under write load into a backup whose databases agree, and
/// `mesh restore` brings it back into a stopped home.
@Suite(.serialized)
struct BackupRestoreTests {
    @Test func backupUnderLoadRestoresAConsistentMesh() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        let binary = try MeshCluster.meshBinary()
        let backup = MeshCluster.newRoot()
        defer { try? FileManager.default.removeItem(atPath: backup) }
        for index in 0..<5 {
            _ = try await mesh.provision("Before \(index)", email: "owner\(index)@before.example")
        }

        // Companies keep coming while the backup runs, so events are on their way during the copy.
        let writer = Task {
            var index = 0
            while !Task.isCancelled {
                _ = try? await mesh.provision("During \(index)", email: "owner\(index)@during.example")
                index += 1
            }
        }
        let backupRun = try await runToEnd([binary, "backup", backup, "--home", cluster.home.root])
        writer.cancel()
        _ = await writer.value

        #expect(backupRun.status == 0, "\(backupRun.output)")
        #expect(backupRun.output.contains("while it ran"))
        let restoreWhileRunning = try await runToEnd([binary, "restore", backup, "--home", cluster.home.root])
        #expect(restoreWhileRunning.status == 1)
        #expect(restoreWhileRunning.output.contains("a mesh is running on \(cluster.home.root)"))
        let bare = try await runToEnd([binary, "backup", "--home", cluster.home.root])
        #expect(bare.status == 64)
        #expect(bare.output.contains("mesh backup needs the folder to write the backup to"))
        let live = try await runToEnd([binary, "restore", cluster.home.root, "--home", MeshCluster.newRoot()])
        #expect(live.status == 1)
        #expect(live.output.contains("is the home of a running mesh, not a backup"), "\(live.output)")
        let again = try await runToEnd([binary, "backup", backup, "--home", cluster.home.root])
        #expect(again.status == 1)
        #expect(again.output.contains("already contains files"))

        let restoredRoot = MeshCluster.newRoot()
        let restored = try await runToEnd([binary, "restore", backup, "--home", restoredRoot])
        #expect(restored.status == 0, "\(restored.output)")
        let copy = try await MeshCluster(root: restoredRoot)
        let copyMesh = try MeshFixture(cluster: copy)

        // Every company that tenancy's copy has reaches billing and analytics, and no other.
        let companies = try await copyMesh.root.call("companies.list", ["limit": 200])["companies"]?.arrayValue ?? []
        #expect(companies.count >= 5)
        #expect(backupRun.output.contains("outbox        "))
        try await copyMesh.eventually {
            let billing = try await copyMesh.root.call("billing.overview")
            let analytics = try await copyMesh.root.call("analytics.systemOverview")
            // Each company has its welcome email: copied with the outbox, or written from an event that
            // was still in tenancy's outbox at the backup.
            guard billing["active_subscriptions"]?.intValue == Int64(companies.count),
                analytics["total_companies"]?.intValue == Int64(companies.count),
                copy.outboxFiles().count == companies.count
            else {
                throw RPCError(
                    .unavailable,
                    "\(companies.count) companies, \(copy.outboxFiles().count) emails, billing "
                        + "\(JSONWriter.string(billing)), analytics \(JSONWriter.string(analytics))"
                )
            }
        }
    }

    /// A backup that cannot be consistent writes nothing, and a restore from a damaged backup or onto
    /// the backup itself changes nothing.
    @Test func failedBackupsAndRestoresChangeNothing() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        _ = try await mesh.provision("Kept", email: "owner@kept.example")
        let binary = try MeshCluster.meshBinary()
        let backup = MeshCluster.newRoot()
        defer { try? FileManager.default.removeItem(atPath: backup) }

        let analytics = try #require(cluster.pid(of: "analytics"))
        kill(analytics, SIGSTOP)
        let silent = try await runToEnd([binary, "backup", backup, "--home", cluster.home.root])
        kill(analytics, SIGCONT)
        #expect(silent.status == 1)
        #expect(silent.output.contains("analytics of \(cluster.home.root) did not reply"), "\(silent.output)")
        #expect(!FileManager.default.fileExists(atPath: backup))

        let backupRun = try await runToEnd([binary, "backup", backup, "--home", cluster.home.root])
        #expect(backupRun.status == 0, "\(backupRun.output)")
        cluster.stop()

        let onto = try await runToEnd([binary, "restore", backup, "--home", backup])
        #expect(onto.status == 1)
        #expect(onto.output.contains("is both the backup and the mesh home"))
        #expect(FileManager.default.fileExists(atPath: backup + "/data/tenancy.sqlite"))

        // A backup on read-only media restores; a move that fails in the home undoes the others.
        if ImmutableAttribute.set(backup + "/data") {
            let copyRoot = MeshCluster.newRoot()
            defer { try? FileManager.default.removeItem(atPath: copyRoot) }
            let readOnly = try await runToEnd([binary, "restore", backup, "--home", copyRoot])
            ImmutableAttribute.clear(backup + "/data")
            #expect(readOnly.status == 0, "\(readOnly.output)")

            let stuck = cluster.home.databasePath("gateway")
            #expect(ImmutableAttribute.set(stuck))
            let listed = try FileManager.default.contentsOfDirectory(atPath: cluster.home.dataDirectory).sorted()
            let blocked = try await runToEnd([binary, "restore", backup, "--home", cluster.home.root])
            ImmutableAttribute.clear(stuck)
            #expect(blocked.status == 1)
            #expect(blocked.output.contains("the moves made so far were undone"), "\(blocked.output)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: cluster.home.dataDirectory).sorted() == listed)
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: cluster.home.root).allSatisfy {
                    !$0.hasPrefix("replaced-") && !$0.hasPrefix("restoring-")
                })
        }

        let damagedCopy = try FileHandle(forWritingTo: URL(fileURLWithPath: backup + "/data/billing.sqlite"))
        try damagedCopy.truncate(atOffset: 4_096)
        try damagedCopy.close()
        let before = try FileManager.default.contentsOfDirectory(atPath: cluster.home.root).sorted()
        let damaged = try await runToEnd([binary, "restore", backup, "--home", cluster.home.root])
        #expect(damaged.status == 1)
        #expect(damaged.output.contains("nothing in \(cluster.home.root) was changed"), "\(damaged.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cluster.home.root).sorted() == before)
        #expect(FileManager.default.fileExists(atPath: cluster.home.databasePath("billing")))
    }
}
