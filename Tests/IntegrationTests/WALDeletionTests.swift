import Foundation
import MeshClient
import MeshProtocol
import MeshTesting
import Testing

/// A WAL file deleted under a running service: its writes are copied into the database file and the
/// service starts again with a new WAL, so a crash afterwards loses none of them.
@Suite(.serialized)
struct WALDeletionTests {
    @Test func deletedWALLosesNoWrite() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        _ = try await mesh.provision("Wal Co", email: "owner@wal.example")
        let owner = try await mesh.signIn("owner@wal.example")
        let before = try await owner.call("issues.create", ["title": "Before", "type": "Bug"])
        let pid = try cluster.requirePID("tenancy")

        #expect(unlink(cluster.home.dataDirectory + "/tenancy.sqlite-wal") == 0)
        let after = try await owner.call("issues.create", ["title": "After", "type": "Bug"])
        try await cluster.waitForRestart("tenancy", oldPID: pid)
        let restarted = try cluster.requirePID("tenancy")
        try cluster.kill9("tenancy")
        try await cluster.waitForRestart("tenancy", oldPID: restarted)

        let issues = try await mesh.eventually { try await owner.call("issues.list", [:]) }
        let keys = (issues["issues"]?.arrayValue ?? []).compactMap { $0["key"] }
        #expect(keys.contains(try #require(before["key"])))
        #expect(keys.contains(try #require(after["key"])))
        #expect(cluster.log(of: "tenancy").contains("store.wal_deleted"))
        #expect(FileManager.default.fileExists(atPath: cluster.home.dataDirectory + "/tenancy.sqlite-wal"))
    }
}
