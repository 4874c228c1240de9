import MeshRuntime

/// Runs the gateway's periodic writers once a second, or sooner when one requests it, until cancelled
/// and once more after that, and wakes the event relay when any of them published.
struct FlushLoop: Sendable {
    /// Each returns whether it wrote anything.
    let flushes: [String: @Sendable () async throws -> Bool]
    /// Woken by a writer that has enough to write that it should not wait for the next second.
    var wake = FlushWake()
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

    /// Waits a second, or until a writer requests an early pass or the task is cancelled.
    private func waitForNextPass() async {
        await withTaskCancellationHandler {
            await wake.wait(upTo: .seconds(1))
        } onCancel: { [wake] in
            wake.request()
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
