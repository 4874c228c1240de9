import Dispatch
import Synchronization

/// Holds the reply to one chosen message of a stand-in receiver until the test releases it, so a test can
/// stop or kill the sender while exactly that message is in flight.
///
/// The receiver calls `arrived()` once it has the whole message and before it replies. For the chosen
/// message, that call blocks the receiver's thread until `release()`.
public final class ReplyGate: Sendable {
    private struct State {
        var arrivals = 0
        var holding = false
    }

    /// The number of the message to hold back, counted from 1 in order of arrival, or nil for none.
    private let heldMessage: Int?
    private let state = Mutex(State())
    private let released = DispatchSemaphore(value: 0)

    public init(holding heldMessage: Int? = nil) {
        self.heldMessage = heldMessage
    }

    /// Whether the chosen message has arrived and waits for `release()`.
    public var isHolding: Bool {
        state.withLock { $0.holding }
    }

    /// Counts an arrived message and, when it is the chosen one, blocks until `release()`.
    public func arrived() {
        let hold = state.withLock { state in
            state.arrivals += 1
            state.holding = state.arrivals == heldMessage
            return state.holding
        }
        guard hold else {
            return
        }

        released.wait()
        state.withLock { $0.holding = false }
    }

    /// Lets the held message get its reply. The receivers call it when they stop, so no thread stays
    /// blocked after a test.
    public func release() {
        released.signal()
    }

    /// Waits until the chosen message has arrived and is held.
    ///
    /// - Throws: ReceiverFailure when it has not arrived within `timeout`.
    public func waitUntilHolding(timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !isHolding {
            guard ContinuousClock.now < deadline else {
                let arrivals = state.withLock { $0.arrivals }
                throw ReceiverFailure(
                    "message \(heldMessage ?? 0) was not held within \(timeout); \(arrivals) messages arrived before")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
