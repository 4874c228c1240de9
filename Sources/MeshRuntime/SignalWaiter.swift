import Foundation
import Glibc

/// Turns SIGTERM and SIGINT into a call on a dedicated thread, and ignores SIGPIPE.
///
/// The signals are blocked in the calling thread before any other thread starts (threads inherit the
/// mask), and one thread waits for them with `sigwait`. A Dispatch signal source on a non-main queue
/// trapped in trials on this platform; `sigwait` does not.
public enum SignalWaiter {
    /// Call first thing in `main`, before creating threads.
    public static func blockTerminationSignals() {
        signal(SIGPIPE, SIG_IGN)
        var set = terminationSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Starts the thread that calls `handler` with the signal number for each SIGTERM or SIGINT.
    public static func start(_ handler: @escaping @Sendable (Int32) -> Void) {
        let thread = Thread {
            var set = terminationSet()
            while true {
                var received: Int32 = 0
                if sigwait(&set, &received) == 0 {
                    handler(received)
                }
            }
        }
        thread.name = "signals"
        thread.start()
    }

    private static func terminationSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        return set
    }
}
