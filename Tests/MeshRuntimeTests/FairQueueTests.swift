import Foundation
import MeshProtocol
import MeshRuntime
import Synchronization
import Testing

@testable import MeshTransport

@Suite struct FairQueueTests {
    private func entry(_ id: Int64) -> FairQueue.Entry {
        FairQueue.Entry(id: id, payload: [])
    }

    private func drain(_ queue: inout FairQueue) -> [Int64] {
        var ids: [Int64] = []
        while let (next, _) = queue.popNext() {
            ids.append(next.id)
        }
        return ids
    }

    @Test func oneLaneKeepsArrivalOrder() {
        var queue = FairQueue()
        for id in 1...5 {
            queue.append(entry(Int64(id)), lane: "")
        }

        #expect(queue.count == 5)
        #expect(drain(&queue) == [1, 2, 3, 4, 5])
        #expect(queue.count == 0)
    }

    @Test func lanesAreServedInTurn() {
        var queue = FairQueue()
        for id in 1...4 {
            queue.append(entry(Int64(id)), lane: "a")
        }
        queue.append(entry(10), lane: "b")
        queue.append(entry(11), lane: "b")
        queue.append(entry(20), lane: "c")

        #expect(drain(&queue) == [1, 10, 20, 2, 11, 3, 4])
    }

    @Test func newLaneWaitsOneTurn() {
        var queue = FairQueue()
        for id in 1...4 {
            queue.append(entry(Int64(id)), lane: "a")
        }
        #expect(queue.popNext()?.entry.id == 1)

        // b arrives while a is being served: it comes after a's next request, not after all of them.
        queue.append(entry(10), lane: "b")

        #expect(drain(&queue) == [2, 10, 3, 4])
    }

    @Test func putBackGoesOutFirst() {
        var queue = FairQueue()
        queue.append(entry(1), lane: "a")
        queue.append(entry(10), lane: "b")
        let first = queue.popNext()

        queue.putBack(entry(9), lane: "b")

        #expect(first?.entry.id == 1)
        #expect(drain(&queue) == [9, 10])
    }
}

/// Calls through a client whose window is full wait in turns by lane.
@Suite struct ClientLaneTests {
    /// The lanes of calls in the order they finished.
    final class Finished: Sendable {
        private let lanes = Mutex<[String]>([])

        func add(_ lane: String) {
            lanes.withLock { $0.append(lane) }
        }

        var order: [String] {
            lanes.withLock { $0 }
        }
    }

    @Test func otherLaneIsNotStarved() async throws {
        let fixture = try RuntimeFixture()
        var options = RPCClient.Options()
        options.maximumInFlight = 1
        let client = RPCClient(path: fixture.socketPath, loop: fixture.clientLoop, options: options)
        let finished = Finished()

        // Lane a queues six sleeps behind the one in the window; lane b then queues one call.
        let busy = Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        _ = try? await client.call("echo.sleep", params: ["milliseconds": 100], lane: "a")
                        finished.add("a")
                    }
                }
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        _ = try await client.call("echo.sleep", params: ["milliseconds": 1], lane: "b")
        finished.add("b")
        await busy.value

        // In one queue, b would finish last; in turns it goes out after at most two of a's calls.
        let order = finished.order
        let position = try #require(order.firstIndex(of: "b"))
        #expect(position <= 2, "\(order)")
    }
}
