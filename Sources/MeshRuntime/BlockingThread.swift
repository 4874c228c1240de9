import Foundation

/// A thread of its own for work that blocks, such as a network exchange that may wait seconds for a
/// reply.
///
/// On Linux, Swift concurrency runs its jobs on Dispatch's global queues, the ones
/// `DispatchQueue.global()` returns, and limits them to about one thread per core. Blocking calls
/// queued there can hold every one of those threads, and then no task of the process runs until a call
/// returns.
public enum BlockingThread {
    /// Runs `work` on a new thread and returns its result without holding a pool thread meanwhile.
    public static func run<Result: Sendable>(_ work: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: work())
            }
        }
    }
}
