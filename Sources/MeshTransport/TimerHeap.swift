import MeshProtocol

/// Timers of one event loop, ordered by due time in a binary min-heap.
///
/// Each timer's position is tracked, so cancelling removes it (and releases its closure) at once
/// instead of leaving it in the heap until it would have fired.
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
    private var positions: [UInt64: Int] = [:]
    private var nextToken: UInt64 = 1

    public init() {}

    public var isEmpty: Bool { entries.isEmpty }

    public var count: Int { entries.count }

    mutating func add(at due: ContinuousClock.Instant, _ job: @escaping () -> Void) -> Token {
        let token = nextToken
        nextToken += 1
        entries.append(Entry(due: due, token: token, job: job))
        positions[token] = entries.count - 1
        siftUp(entries.count - 1)
        return Token(value: token)
    }

    mutating func cancel(_ token: Token) {
        guard let position = positions[token.value] else {
            return
        }
        remove(at: position)
    }

    /// Returns the epoll timeout until the earliest timer, or -1 when there is none.
    func millisecondsUntilNext(now: ContinuousClock.Instant) -> Int32 {
        guard let first = entries.first else {
            return -1
        }
        let remaining = first.due - now
        if remaining <= .zero {
            return 0
        }
        // Rounded up by one millisecond, so the loop never wakes just before the timer is due.
        let milliseconds = min(remaining.milliseconds, Int64(Int32.max) - 1)
        return Int32(milliseconds + 1)
    }

    /// Removes the timers due at `now` and returns their jobs, for the loop to run after this returns
    /// (a job may schedule new timers).
    mutating func popExpired(now: ContinuousClock.Instant) -> [() -> Void] {
        var due: [() -> Void] = []
        while let first = entries.first, first.due <= now {
            due.append(first.job)
            remove(at: 0)
        }
        return due
    }

    private mutating func remove(at position: Int) {
        let last = entries.count - 1
        if position != last {
            swapEntries(position, last)
        }
        let removed = entries.removeLast()
        positions[removed.token] = nil
        if position < entries.count {
            siftDown(position)
            siftUp(position)
        }
    }

    private mutating func swapEntries(_ first: Int, _ second: Int) {
        entries.swapAt(first, second)
        positions[entries[first].token] = first
        positions[entries[second].token] = second
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            if entries[child].due >= entries[parent].due {
                break
            }
            swapEntries(child, parent)
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
            swapEntries(parent, smallest)
            parent = smallest
        }
    }
}
