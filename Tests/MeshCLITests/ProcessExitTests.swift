import Foundation
import MeshTesting
import Testing

@testable import MeshCLI

/// A process ended by a signal is reported as such, never as an exit status of the same number.
@Suite struct ProcessExitTests {
    private func finished(_ script: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        // Through the shared lock: Foundation's run() can crash when test threads start processes at once.
        try ProcessLauncher.run(process)
        process.waitUntilExit()
        return process
    }

    @Test func killedProcessNamesTheSignal() throws {
        let process = try finished("kill -KILL $$")

        #expect(process.exitFields == ["signal": "KILL"])
        #expect(process.exitPhrase == "was killed by signal KILL")
    }

    @Test func exitedProcessGivesItsStatus() throws {
        let process = try finished("exit 9")

        #expect(process.exitFields == ["status": "9"])
        #expect(process.exitPhrase == "exited with status 9")
    }

    @Test func signalNameOrNumber() {
        #expect(Process.signalName(SIGSEGV) == "SEGV")
        #expect(Process.signalName(200) == "200")
    }
}
