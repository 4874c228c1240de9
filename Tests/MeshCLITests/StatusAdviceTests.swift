import Foundation
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
}
