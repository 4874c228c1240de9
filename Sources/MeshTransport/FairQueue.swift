/// Requests waiting for room in a client's in-flight window, in one first-in-first-out lane per caller,
/// served in turn.
///
/// The gateway carries every company's calls to a service on one connection. With one queue for all,
/// a company that queues many slow calls would make every other company's calls wait behind them. In
/// turns, a caller's next request waits for at most one request of each other caller with requests
/// waiting. A client with a single lane keeps plain arrival order.
struct FairQueue {
    struct Entry {
        let id: Int64
        let payload: [UInt8]
    }

    /// One caller's waiting requests, oldest first from `head`.
    private struct Lane {
        var entries: [Entry] = []
        var head = 0

        var isEmpty: Bool {
            head == entries.count
        }
    }

    private var lanes: [String: Lane] = [:]
    /// The lanes with waiting requests, in the order they are served.
    private var turns: [String] = []
    /// The position in `turns` of the lane served next.
    private var next = 0

    /// The number of requests waiting in all lanes.
    private(set) var count = 0

    mutating func append(_ entry: Entry, lane: String) {
        add(entry, lane: lane, first: false)
    }

    /// Puts `entry` back at the front of its lane and makes that lane the next served, for a request the
    /// server refused for lack of room, which must go out again before the others.
    mutating func putBack(_ entry: Entry, lane: String) {
        add(entry, lane: lane, first: true)
        if let position = turns.firstIndex(of: lane) {
            next = position
        }
    }

    /// Removes and returns the oldest request of the lane whose turn it is, or nil when none waits.
    mutating func popNext() -> (entry: Entry, lane: String)? {
        guard !turns.isEmpty else {
            return nil
        }
        if next >= turns.count {
            next = 0
        }

        let key = turns[next]
        var lane = lanes[key] ?? Lane()
        let entry = lane.entries[lane.head]
        lane.head += 1
        count -= 1

        if lane.isEmpty {
            lanes[key] = nil
            turns.remove(at: next)
        } else {
            // Compact a long-lived lane once most of its storage lies before its head.
            if lane.head > 1024 && lane.head * 2 > lane.entries.count {
                lane.entries.removeFirst(lane.head)
                lane.head = 0
            }
            lanes[key] = lane
            next += 1
        }
        return (entry, key)
    }

    mutating func removeAll() {
        lanes.removeAll()
        turns.removeAll()
        next = 0
        count = 0
    }

    private mutating func add(_ entry: Entry, lane key: String, first: Bool) {
        var lane = lanes[key] ?? Lane()
        if lane.isEmpty {
            // A lane that had nothing waiting joins the turns just before the lane served next, so it is
            // served after every lane already waiting. A request put back is served first instead.
            if next >= turns.count {
                next = 0
            }
            turns.insert(key, at: next)
            if !first {
                next += 1
            }
        }
        if first {
            if lane.head > 0 {
                lane.head -= 1
                lane.entries[lane.head] = entry
            } else {
                lane.entries.insert(entry, at: 0)
            }
        } else {
            lane.entries.append(entry)
        }
        lanes[key] = lane
        count += 1
    }
}
