/// When the supervisor restarts a process that died: at once the first time, then with a delay that
/// doubles up to a maximum, reset once the process has stayed up long enough.
///
/// A value type with no clock of its own, so its decisions are tested without processes or sleeps.
struct RestartPolicy: Sendable, Equatable {
    var initialDelay: Duration = .milliseconds(100)
    var maximumDelay: Duration = .seconds(5)
    /// A process that ran this long before dying is considered healthy: its backoff starts over.
    var stableAfter: Duration = .seconds(10)

    private(set) var consecutiveFailures = 0

    init() {}

    /// Records that the process died after running for `uptime`; returns how long to wait before restarting.
    mutating func processExited(after uptime: Duration) -> Duration {
        if uptime >= stableAfter {
            consecutiveFailures = 0
        }
        consecutiveFailures += 1

        var delay = initialDelay
        for _ in 1..<consecutiveFailures {
            delay = min(delay * 2, maximumDelay)
            if delay == maximumDelay {
                break
            }
        }
        return consecutiveFailures == 1 ? .zero : delay
    }
}
