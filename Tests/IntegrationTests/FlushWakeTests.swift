import Testing

@testable import Gateway

/// The flush loop's wake: a request ends the wait long before its timeout.
@Suite struct FlushWakeTests {
    @Test(.timeLimit(.minutes(1))) func requestEndsTheWait() async {
        let wake = FlushWake()

        async let waited: Void = wake.wait(upTo: .seconds(600))
        try? await Task.sleep(for: .milliseconds(20))
        wake.request()

        await waited
    }

    @Test(.timeLimit(.minutes(1))) func earlierRequestEndsTheNextWait() async {
        let wake = FlushWake()

        wake.request()

        await wake.wait(upTo: .seconds(600))
    }

    @Test(.timeLimit(.minutes(1))) func timeoutEndsTheWait() async {
        let wake = FlushWake()

        await wake.wait(upTo: .milliseconds(10))
    }
}
