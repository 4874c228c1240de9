import Foundation
import MeshRuntime
import Testing

@testable import MeshCLI

@Suite struct UpClockTests {
    let scratch: ScratchHome
    var home: MeshHome { scratch.home }

    init() throws {
        scratch = try ScratchHome("up-clock")
    }

    @Test func refusesClockAheadOfSystem() throws {
        defer { scratch.remove() }
        let ahead = MeshClock.system.nowMs() + 31 * 86_400_000
        try MeshClock.writeClockFile(home.clockPath, milliseconds: ahead)

        let error = #expect(throws: RuntimeFailure.self) {
            try UpCommand.configureClock(home, test: false)
        }

        #expect(error?.description.contains("31.0 days ahead") == true)
        #expect(error?.description.contains("mesh up --test-clock") == true)
        #expect(FileManager.default.fileExists(atPath: home.clockPath))
    }

    @Test func removesClockNotAhead() throws {
        defer { scratch.remove() }
        try MeshClock.writeClockFile(home.clockPath, milliseconds: MeshClock.system.nowMs() - 1_000)

        try UpCommand.configureClock(home, test: false)

        #expect(!FileManager.default.fileExists(atPath: home.clockPath))
    }

    @Test func keepsTestClockWhenAsked() throws {
        defer { scratch.remove() }
        let ahead = MeshClock.system.nowMs() + 86_400_000
        try MeshClock.writeClockFile(home.clockPath, milliseconds: ahead)

        try UpCommand.configureClock(home, test: true)

        #expect(MeshClock.file(home.clockPath).nowMs() == ahead)
    }
}
