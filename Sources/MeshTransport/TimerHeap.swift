/// Timers of one event loop, ordered by due time in a binary min-heap.
///
/// Cancelling marks a timer; it is dropped when it reaches the top, so cancel costs O(1).
public struct TimerHeap {
    public struct Token: Hashable, Sendable {
        let value: UInt64
    }

    private struct Entry {
        let due: ContinuousClock.Instant
        let token: UInt64
        let job: () -> Void
    }

    private var entries: [Entry] = []
    private var cancelled: Set<UInt64> = []
    private var nextToken: UInt64 = 1

    public init() {}

    public var isEmpty: Bool { entries.isEmpty }

    mutating func add(at due: ContinuousClock.Instant, _ job: @escaping () -> Void) -> Token {
        let token = nextToken
        nextToken += 1
        entries.append(Entry(due: due, token: token, job: job))
        siftUp(entries.count - 1)
        return Token(value: token)
    }

    mutating func cancel(_ token: Token) {
        cancelled.insert(token.value)
    }

    /// The epoll timeout until the earliest timer: -1 when there is none.
    func millisecondsUntilNext(now: ContinuousClock.Instant) -> Int32 {
        guard let first = entries.first else {
            return -1
        }
        let remaining = first.due - now
        if remaining <= .zero {
            return 0
        }
        let (seconds, attoseconds) = remaining.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1
        return Int32(clamping: milliseconds)
    }

    /// Removes the timers due at `now` and returns their jobs, for the loop to run after this returns
    /// (a job may schedule new timers).
    mutating func popExpired(now: ContinuousClock.Instant) -> [() -> Void] {
        var due: [() -> Void] = []
        while let first = entries.first, first.due <= now {
            let entry = removeFirst()
            if cancelled.remove(entry.token) != nil {
                continue
            }
            due.append(entry.job)
        }
        return due
    }

    private mutating func removeFirst() -> Entry {
        let first = entries[0]
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            siftDown(0)
        }
        return first
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            if entries[child].due >= entries[parent].due {
                break
            }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = parent * 2 + 1
            let right = left + 1
            var smallest = parent
            if left < entries.count && entries[left].due < entries[smallest].due {
                smallest = left
            }
            if right < entries.count && entries[right].due < entries[smallest].due {
                smallest = right
            }
            if smallest == parent {
                return
            }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
