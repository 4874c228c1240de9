import CSystem
import Foundation

extension Process {
    /// The end of an exited process as log fields: `signal=KILL` when a signal ended it, else `status=N`,
    /// so SIGKILL (9) is never mistaken for `exit(9)`.
    var exitFields: [String: String] {
        guard terminationReason == .uncaughtSignal else {
            return ["status": "\(terminationStatus)"]
        }
        return ["signal": Process.signalName(terminationStatus)]
    }

    /// The end of an exited process as a phrase: "exited with status 1" or "was killed by signal KILL".
    var exitPhrase: String {
        guard terminationReason == .uncaughtSignal else {
            return "exited with status \(terminationStatus)"
        }
        return "was killed by signal \(Process.signalName(terminationStatus))"
    }

    /// Returns a signal's name without "SIG" (KILL, SEGV), or its number when it has none.
    static func signalName(_ number: Int32) -> String {
        guard let name = csystem_signal_abbreviation(number) else {
            return "\(number)"
        }
        return String(cString: name)
    }
}
