import Synchronization

/// A signal that ends the flush loop's one-second wait early, for a writer with enough waiting that it
/// should not wait that long.
final class FlushWake: Sendable {
    private struct State {
        var requested = false
        var waiter: CheckedContinuation<Void, Never>?
        /// Counts the waits, so a timer left over from an earlier wait resumes nothing.
        var generation: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Ends the current wait at once, or the next one when none is under way.
    func request() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.requested = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns after `timeout`, or sooner when `request()` is called or was called since the last wait.
    func wait(upTo timeout: Duration) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let generation = state.withLock { state -> UInt64? in
                guard !state.requested else {
                    state.requested = false
                    return nil
                }
                state.generation &+= 1
                state.waiter = continuation
                return state.generation
            }
            guard let generation else {
                continuation.resume()
                return
            }

            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                self?.timeOut(generation)
            }
        }
    }

    private func timeOut(_ generation: UInt64) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.generation == generation, let waiter = state.waiter else {
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }
}
