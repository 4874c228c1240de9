import MeshRuntime
import MeshStore

/// The background loop that runs the invoice pass every second, on the mesh clock.
enum InvoiceScheduler {
    static let interval: Duration = .seconds(1)

    /// Runs passes until the task is cancelled. A failed pass is logged and the next one tries again.
    static func run(_ environment: ServiceEnvironment) async {
        let logger = environment.logger.with(["task": "invoice_cycle"])
        logger.info("billing.cycle_started")

        while !Task.isCancelled {
            do {
                let now = environment.clock.nowMs()
                let report = try await runOnce(store: environment.store, nowMs: now, deadline: nil)
                if !report.generated.isEmpty || !report.markedPastDue.isEmpty {
                    logger.info(
                        "billing.cycle_ran",
                        [
                            "invoices": "\(report.generated.count)",
                            "past_due": "\(report.markedPastDue.count)",
                            "complete": "\(report.complete)",
                        ]
                    )
                }
            } catch is CancellationError {
                break
            } catch {
                logger.error("billing.cycle_failed", ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
        logger.info("billing.cycle_stopped")
    }

    /// Runs one pass in one write transaction. `billing.runCycle` calls this too.
    static func runOnce(store: Database, nowMs: Int64, deadline: ContinuousClock.Instant?) async throws -> CycleReport {
        try await store.write(deadline: deadline) { connection in
            try BillingLedger(connection: connection, nowMs: nowMs).runCycle()
        }
    }
}
