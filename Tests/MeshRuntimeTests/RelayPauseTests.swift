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

        #expect(await pausing.value != nil)
        #expect(!pause.enter())
        pause.resume()
        #expect(pause.enter())
    }

    @Test func pauseGivesUpAtItsDeadline() async {
        let pause = RelayPause()
        #expect(pause.enter())

        let paused = await pause.pause(for: .seconds(60), deadline: .now + .milliseconds(30))

        #expect(paused == nil)
        // Given up, it keeps nothing back, so the relay goes on.
        pause.leave()
        #expect(pause.enter())
    }

    @Test func leaseEndsThePause() async throws {
        let pause = RelayPause()

        #expect(await pause.pause(for: .milliseconds(30), deadline: .now + .seconds(1)) != nil)
        #expect(!pause.enter())
        try await Task.sleep(for: .milliseconds(60))

        #expect(pause.enter())
    }

    /// A renewal in time keeps the pause's id. One after the lease ran out gets a new id, because
    /// deliveries may have gone on in between.
    @Test func renewalKeepsTheIdUntilTheLeaseRunsOut() async throws {
        let pause = RelayPause()

        let first = await pause.pause(for: .milliseconds(200), deadline: .now + .seconds(1))
        let renewed = await pause.pause(for: .milliseconds(30), deadline: .now + .seconds(1))
        try await Task.sleep(for: .milliseconds(60))
        let lapsed = await pause.pause(for: .seconds(1), deadline: .now + .seconds(1))

        #expect(first != nil)
        #expect(renewed == first)
        #expect(lapsed != nil)
        #expect(lapsed != first)
    }
}
