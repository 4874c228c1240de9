import Foundation
import Testing

@testable import MeshCLI

/// `mesh status` names a home moved under a running mesh, and not one reached through a link.
@Suite struct StatusPathTests {
    @Test func linkedPathIsTheSameFileAndMovedOneIsNot() throws {
        let folder = NSTemporaryDirectory() + "status-path-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder + "/home/run", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        FileManager.default.createFile(atPath: folder + "/home/run/gateway.sock", contents: Data())
        try FileManager.default.createSymbolicLink(atPath: folder + "/link", withDestinationPath: folder + "/home")

        #expect(StatusCommand.sameFile(folder + "/home/run/gateway.sock", folder + "/link/run/gateway.sock"))
        #expect(!StatusCommand.sameFile(folder + "/gone/run/gateway.sock", folder + "/link/run/gateway.sock"))
    }
}
