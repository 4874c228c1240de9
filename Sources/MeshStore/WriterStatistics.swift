import Synchronization

/// Counters of the writer thread since the database was opened.
public struct WriterStatistics: Sendable, Equatable {
    /// Write transactions committed. Each contains one batch of `write` calls.
    public var transactions = 0
    /// `write` calls whose changes were committed.
    public var committedWrites = 0
    /// `write` calls that ended with an error: the body threw, the deadline passed, the task was
    /// cancelled, or BEGIN or COMMIT failed.
    public var failedWrites = 0
    /// Bodies run a second time because a later body's failure ended the whole transaction.
    public var rerunWrites = 0
    /// The largest number of `write` calls committed in one transaction.
    public var largestBatch = 0

    public init() {}
}

/// The writer thread's counters, updated by the writer and read from any thread.
final class WriterStatisticsRecorder: Sendable {
    private let state = Mutex(WriterStatistics())

    func update(_ change: (inout WriterStatistics) -> Void) {
        state.withLock { change(&$0) }
    }

    var snapshot: WriterStatistics {
        state.withLock { $0 }
    }
}
