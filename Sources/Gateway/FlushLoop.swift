import MeshRuntime

/// Runs the gateway's periodic writers once a second, or sooner when one requests it, until cancelled
/// and once more after that, and wakes the event relay when any of them published.
struct FlushLoop: Sendable {
    /// Each returns whether it wrote anything.
    let flushes: [String: @Sendable () async throws -> Bool]
    /// Returns true when a writer has enough to write that it should not wait for the next second.
    var wantsEarlyFlush: @Sendable () -> Bool = { false }
    let logger: Logger
    let afterPublish: @Sendable () -> Void

    func run() async {
        while !Task.isCancelled {
            await waitForNextPass()
            if Task.isCancelled {
                break
            }
            await flushAll()
        }

        // The process is stopping, so write what was counted since the last pass. Store writes fail
        // at once in a cancelled task, so the last pass runs in a task of its own.
        await Task { await flushAll() }.value
    }

    /// Waits a second, checking every 50 ms whether a writer asked for an early pass.
    private func waitForNextPass() async {
        for _ in 0..<20 {
            try? await Task.sleep(for: .milliseconds(50))
            if Task.isCancelled || wantsEarlyFlush() {
                return
            }
        }
    }

    private func flushAll() async {
        var published = false
        for (name, flush) in flushes.sorted(by: { $0.key < $1.key }) {
            do {
                published = try await flush() || published
            } catch {
                logger.error("gateway.flush_failed", ["writer": name, "error": "\(error)"])
            }
        }

        if published {
            afterPublish()
        }
    }
}
