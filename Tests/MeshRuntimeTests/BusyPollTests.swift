import MeshProtocol
import MeshRuntime
import MeshTransport
import Testing

/// A loop that polls before sleeping must still run everything a sleeping loop runs: replies, jobs
/// posted from other threads, timers, and its own stop. RPCServerTests checks deadlines with a poll.
@Suite struct BusyPollTests {
    /// The maximum poll the variable accepts, so each test spends as much time polling as it can.
    static let pollingService = ["MESH_BUSY_POLL_US": "1000"]

    @Test func pollingServiceAnswersConcurrentCalls() async throws {
        let fixture = try RuntimeFixture(variables: Self.pollingService)
        let client = fixture.client()

        let texts = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<50 {
                group.addTask {
                    let result = try await client.call("echo.say", params: ["text": .string("call \(index)")])
                    return result["text"]?.stringValue ?? ""
                }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }

        #expect(texts == Set((0..<50).map { "call \($0)" }))
    }

    @Test func pollingLoopRunsJobsAndTimersAndStops() async throws {
        let loop = try EventLoop(name: "polling", busyPoll: .milliseconds(1))
        loop.start()

        let fired = await withCheckedContinuation { continuation in
            loop.execute {
                loop.schedule(after: .milliseconds(20)) {
                    continuation.resume(returning: true)
                }
            }
        }
        let ranElsewhere = loop.runAndWait { loop.inLoop }
        loop.stop()

        #expect(fired)
        #expect(ranElsewhere)
    }
}
