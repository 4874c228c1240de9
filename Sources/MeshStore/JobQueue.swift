import Dispatch
import Synchronization

/// A first-in, first-out queue of jobs served by one or more threads that block while it is empty.
///
/// After `close()` the queue accepts nothing new, and its threads finish the jobs already queued
/// before `take` returns nil, so no caller is left waiting for a result.
final class JobQueue<Job: Sendable>: Sendable {
    private struct State {
        var jobs: [Job] = []
        /// Index of the oldest job in `jobs`. Taken jobs before it are dropped in bulk.
        var head = 0
        var isClosed = false

        var count: Int {
            jobs.count - head
        }
    }

    private let state = Mutex(State())
    /// Signalled once per added job and once per closing wake-up. A thread that takes several jobs
    /// leaves extra signals behind, and its later wake-ups find the queue empty and wait again.
    private let available = DispatchSemaphore(value: 0)

    /// Adds a job and returns true, or returns false when the queue is closed.
    func push(_ job: Job) -> Bool {
        let accepted = state.withLock { state in
            guard !state.isClosed else {
                return false
            }
            state.jobs.append(job)
            return true
        }
        if accepted {
            available.signal()
        }
        return accepted
    }

    /// Waits for jobs and returns up to `maximum` of them in order, or nil once closed and empty.
    func take(maximum: Int) -> [Job]? {
        while true {
            available.wait()

            let batch: [Job]? = state.withLock { state in
                let count = min(state.count, maximum)
                guard count > 0 else {
                    return state.isClosed ? nil : []
                }
                let batch = Array(state.jobs[state.head..<(state.head + count)])
                state.head += count
                if state.head == state.jobs.count {
                    state.jobs.removeAll(keepingCapacity: true)
                    state.head = 0
                } else if state.head > 1024 && state.head * 2 > state.jobs.count {
                    state.jobs.removeFirst(state.head)
                    state.head = 0
                }
                return batch
            }

            guard let batch else {
                // Pass the closing wake-up on, so every other thread serving the queue also stops.
                available.signal()
                return nil
            }
            if !batch.isEmpty {
                return batch
            }
        }
    }

    /// Stops accepting jobs and wakes the serving threads.
    func close() {
        state.withLock { $0.isClosed = true }
        available.signal()
    }

    /// The number of jobs waiting, for tests and diagnostics.
    var pendingCount: Int {
        state.withLock { $0.count }
    }
}
