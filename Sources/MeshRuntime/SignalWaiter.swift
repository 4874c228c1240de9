import CSystem
import Foundation
import Glibc

/// Turns SIGTERM, SIGINT and SIGHUP (a closed terminal) into a call on a dedicated thread, and ignores
/// SIGPIPE.
///
/// A C signal handler writes the signal number into a pipe and a thread reads it. Blocking the
/// signals with a mask would not do: the Swift runtime starts threads before `main` runs, and any
/// of them could take the signal with its default action, which ends the process.
public enum SignalWaiter {
    /// Ignores SIGPIPE at once; call first thing in `main`. A write to a pipe or socket whose reader is
    /// gone then fails with EPIPE, which the writer handles, instead of ending the process.
    public static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Installs the handler and starts the thread that calls `handler` with each signal's number.
    public static func start(_ handler: @escaping @Sendable (Int32) -> Void) {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0, csystem_catch_termination(descriptors[1]) == 0 else {
            DescriptorWriter.printError("could not install the SIGTERM handler: \(String(cString: strerror(errno)))")
            return
        }

        let readEnd = descriptors[0]
        let thread = Thread {
            // The kernel delivers the signals to this thread, the one that surely has them unblocked.
            _ = csystem_unblock_termination()
            var byte: UInt8 = 0
            while true {
                let count = read(readEnd, &byte, 1)
                if count == 1 {
                    handler(Int32(byte))
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
        thread.name = "signals"
        thread.start()
    }
}
