import Foundation
import Testing

@testable import MeshCLI

/// A process ended by a signal is reported as such, never as an exit status of the same number.
///
/// The ends are built from their parts: starting a real child with Foundation's `Process.run()` crashed
/// the test process now and then (a fault in `memcpy` inside `run()`) while other tests were busy.
@Suite struct ProcessExitTests {
    @Test func killedProcessNamesTheSignal() {
        let end = ProcessEnd(signal: SIGKILL, status: 0)

        #expect(end.fields == ["signal": "KILL"])
        #expect(end.phrase == "was killed by signal KILL")
    }

    @Test func exitedProcessGivesItsStatus() {
        let end = ProcessEnd(signal: nil, status: 9)

        #expect(end.fields == ["status": "9"])
        #expect(end.phrase == "exited with status 9")
    }

    @Test func signalNameOrNumber() {
        #expect(Process.signalName(SIGSEGV) == "SEGV")
        #expect(Process.signalName(200) == "200")
    }
}
