import Foundation
import MeshProtocol
import MeshRuntime
import Testing

@testable import MeshCLI

@Suite struct StatusAdviceTests {
    let scratch: ScratchHome
    var home: MeshHome { scratch.home }

    init() throws {
        scratch = try ScratchHome("advice")
    }

    @Test func ownHomeSuggestsStartingTheMesh() throws {
        defer { scratch.remove() }

        #expect(StatusCommand.noAnswerAdvice(home).contains("start the mesh with `mesh up`"))
    }

    /// Only root can give a folder to another user, so the test needs root.
    @Test(.enabled(if: geteuid() == 0)) func homeOfAnotherUserNamesThatUser() throws {
        defer { scratch.remove() }
        try #require(chown(home.runDirectory, 54_321, 54_321) == 0)

        let advice = StatusCommand.noAnswerAdvice(home)

        #expect(advice.contains("belongs to user 54321; run mesh as that user"))
        #expect(!advice.contains("mesh up"))
    }

    /// Another user's 0700 home hides its run/ folder, so the home's own owner names the user.
    @Test(.enabled(if: geteuid() == 0)) func hiddenRunFolderFallsBackToHomeOwner() throws {
        defer { scratch.remove() }
        try FileManager.default.removeItem(atPath: home.runDirectory)
        try #require(chown(home.root, 54_321, 54_321) == 0)

        #expect(home.foreignOwner() == 54_321)
        #expect(StatusCommand.noAnswerAdvice(home).contains("belongs to user 54321"))
    }

    @Test func deniedProcessesMeanTheMeshRuns() throws {
        defer { scratch.remove() }

        let advice = StatusCommand.noAnswerAdvice(home, anyDenied: true)

        #expect(advice.contains("the mesh runs"))
        #expect(!advice.contains("start the mesh"))
    }

    @Test func refusalsAreNotCalledDown() throws {
        defer { scratch.remove() }
        let full = RPCError(
            .unavailable, "too many connections (limit 8); retry later or reuse a connection",
            details: ["reason": "connections", "limit": 8])
        let denied = RPCError(.permissionDenied, "uid 7 is not trusted by this process")
        let connectRefused = RPCError(.unavailable, "connect to '/x.sock' failed: Connection refused (retry in 50 ms)")

        #expect(StatusCommand.failureLine(full, process: "gateway", home: home).hasPrefix("BUSY  too many connections"))
        #expect(StatusCommand.failureLine(denied, process: "gateway", home: home).hasPrefix("DENIED  uid 7"))
        #expect(
            StatusCommand.failureLine(connectRefused, process: "gateway", home: home)
                == "DOWN  connect to '/x.sock' failed: Connection refused")
    }

    @Test func downUnderARunningMeshPointsAtTheLog() throws {
        defer { scratch.remove() }
        let lock = try MeshLock.acquire(home)
        let connectRefused = RPCError(.unavailable, "connect to '/x.sock' failed: Connection refused (retry in 50 ms)")

        let line = StatusCommand.failureLine(connectRefused, process: "gateway", home: home)

        #expect(
            line.hasSuffix("mesh up restarts it, and \(home.logPath("gateway")) gives the reason it stopped"), "\(line)"
        )
        withExtendedLifetime(lock) {}
    }
}
