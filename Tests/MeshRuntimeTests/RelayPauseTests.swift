import Testing

@testable import MeshRuntime

/// A pause keeps new deliveries out, waits for the one under way, and ends on resume or with its lease.
@Suite struct RelayPauseTests {
    @Test func pauseWaitsForTheDeliveryUnderWay() async throws {
        let pause = RelayPause()
        #expect(pause.enter())

        let pausing = Task { await pause.pause(for: .seconds(60), deadline: .now + .seconds(10)) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(!pause.enter())
        pause.leave()

        #expect(await pausing.value)
        #expect(!pause.enter())
        pause.resume()
        #expect(pause.enter())
    }

    @Test func pauseGivesUpAtItsDeadline() async {
        let pause = RelayPause()
        #expect(pause.enter())

        let paused = await pause.pause(for: .seconds(60), deadline: .now + .milliseconds(30))

        #expect(!paused)
        // Given up, it holds nothing, so the relay goes on.
        pause.leave()
        #expect(pause.enter())
    }

    @Test func leaseEndsThePause() async throws {
        let pause = RelayPause()

        #expect(await pause.pause(for: .milliseconds(30), deadline: .now + .seconds(1)))
        #expect(!pause.enter())
        try await Task.sleep(for: .milliseconds(60))

        #expect(pause.enter())
    }
}
