import CSystem
import Foundation

/// The end of a child process: killed by a signal, or exited with a status.
struct ProcessEnd: Equatable {
    /// The signal's number when a signal ended the process, else nil.
    var signal: Int32?
    /// The exit status when the process exited.
    var status: Int32

    /// The end as log fields: `signal=KILL` when a signal ended it, else `status=N`, so SIGKILL (9) is
    /// never mistaken for `exit(9)`.
    var fields: [String: String] {
        guard let signal else {
            return ["status": "\(status)"]
        }
        return ["signal": Process.signalName(signal)]
    }

    /// The end as a phrase: "exited with status 1" or "was killed by signal KILL".
    var phrase: String {
        guard let signal else {
            return "exited with status \(status)"
        }
        return "was killed by signal \(Process.signalName(signal))"
    }
}

extension Process {
    /// The end of this exited process.
    var end: ProcessEnd {
        terminationReason == .uncaughtSignal
            ? ProcessEnd(signal: terminationStatus, status: 0) : ProcessEnd(signal: nil, status: terminationStatus)
    }

    /// The end of an exited process as log fields; see `ProcessEnd.fields`.
    var exitFields: [String: String] {
        end.fields
    }

    /// The end of an exited process as a phrase; see `ProcessEnd.phrase`.
    var exitPhrase: String {
        end.phrase
    }

    /// Returns a signal's name without "SIG" (KILL, SEGV), or its number when it has none.
    static func signalName(_ number: Int32) -> String {
        guard let name = csystem_signal_abbreviation(number) else {
            return "\(number)"
        }
        return String(cString: name)
    }
}
