import Synchronization

/// Holds a relay's deliveries for a while, so that `mesh backup` copies every database at a moment
/// when no event is between a publisher and a subscriber.
///
/// A delivery enters before it reads the outbox and leaves after the subscriber's reply is recorded.
/// A pause first stops new deliveries from entering, then waits for the ones under way to leave. It
/// ends on `resume()` or when its lease runs out, so a backup that dies never holds events for long.
final class RelayPause: Sendable {
    private struct State {
        var pausedUntil: ContinuousClock.Instant?
        var deliveriesUnderWay = 0
        /// Counts the pauses that began while deliveries ran, so a renewal can tell that its pause lasted.
        var pausesBegun = 0
    }

    private let state = Mutex(State())
    /// Tells this process's pauses from those of an earlier run of it, whose counter started over.
    private let runID = UInt64.random(in: 0...UInt64.max)

    /// Enters a delivery and returns true, or returns false while paused.
    func enter() -> Bool {
        state.withLock { state in
            if let until = state.pausedUntil, ContinuousClock.now < until {
                return false
            }
            state.pausedUntil = nil
            state.deliveriesUnderWay += 1
            return true
        }
    }

    /// Leaves a delivery that `enter()` let in.
    func leave() {
        state.withLock { $0.deliveriesUnderWay -= 1 }
    }

    /// Pauses deliveries for `lease`, then waits until none is under way, at most until `deadline`.
    ///
    /// Returns the pause's id, which stays the same while the pause is renewed before its lease runs
    /// out, so a caller that renews can tell that deliveries stayed held throughout. Returns nil, with
    /// the pause lifted, when deliveries were still under way at the deadline.
    func pause(for lease: Duration, deadline: ContinuousClock.Instant) async -> String? {
        let serial = state.withLock { state in
            let alreadyPaused = state.pausedUntil.map { ContinuousClock.now < $0 } ?? false
            if !alreadyPaused {
                state.pausesBegun += 1
            }
            state.pausedUntil = .now + lease
            return state.pausesBegun
        }
        while state.withLock({ $0.deliveriesUnderWay }) > 0 {
            guard ContinuousClock.now < deadline else {
                resume()
                return nil
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return "\(String(runID, radix: 36))-\(serial)"
    }

    func resume() {
        state.withLock { $0.pausedUntil = nil }
    }
}
