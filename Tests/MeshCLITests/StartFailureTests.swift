import Foundation
import MeshRuntime
import Testing

@testable import MeshCLI

/// `mesh up` quotes why a process failed to start from the last line of its log.
@Suite struct StartFailureTests {
    let scratch: ScratchHome
    var home: MeshHome { scratch.home }

    init() throws {
        scratch = try ScratchHome("startfailure")
    }

    @Test func startFailedLineGivesItsMessage() throws {
        defer { scratch.remove() }
        let reason = #"cannot write '/srv/a "b".sqlite'; fix it"# + "\nthen retry"
        let handle = try home.openLog("billing")
        defer { try? handle.close() }
        let logger = Logger(label: "billing", sink: .descriptor(handle.fileDescriptor))
        logger.info("service.started")
        logger.log(
            .error, "service.start_failed", ["error": reason + String(repeating: "x", count: 400)], clipping: false)

        let failure = Supervisor.startFailure(inLog: home.logPath("billing"))

        #expect(failure == reason + String(repeating: "x", count: 400))
    }

    @Test func otherLastLineIsGivenWhole() throws {
        defer { scratch.remove() }
        try "Fatal error: something broke\n\n".write(toFile: home.logPath("billing"), atomically: true, encoding: .utf8)

        #expect(Supervisor.startFailure(inLog: home.logPath("billing")) == "Fatal error: something broke")
    }
}
