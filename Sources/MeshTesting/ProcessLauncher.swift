import Foundation
import Synchronization

/// Starts the tests' child processes one at a time within this process.
///
/// Foundation's `Process.run()` on Linux crashed in test runs when other test threads were busy (a
/// fault in `memcpy` inside `run()`). The tests therefore start no child that way. SpawnedProcess uses
/// `posix_spawn`, and its spawns go through this lock so that none overlaps another.
public enum ProcessLauncher {
    private static let lock = Mutex(())

    /// Runs `spawn` under the lock.
    static func serialized<Result>(_ spawn: () -> Result) -> Result {
        lock.withLock { _ in
            spawn()
        }
    }
}
