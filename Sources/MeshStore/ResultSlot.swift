import Dispatch
import Synchronization

/// A value handed from one thread to another that waits for it.
final class ResultSlot<Value: Sendable>: Sendable {
    private let value = Mutex<Value?>(nil)
    private let filled = DispatchSemaphore(value: 0)

    /// Stores the value and wakes the waiting thread. Call it once.
    func fill(_ newValue: Value) {
        value.withLock { $0 = newValue }
        filled.signal()
    }

    /// Waits until `fill` has run and returns the value.
    func wait() -> Value {
        filled.wait()
        guard let result = value.withLock({ $0 }) else {
            preconditionFailure("ResultSlot woke without a value")
        }
        return result
    }
}
