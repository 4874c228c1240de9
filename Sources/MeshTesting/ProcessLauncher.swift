import Foundation
import Synchronization

/// Starts child processes one at a time within this process.
///
/// Foundation's `Process.run()` on Linux crashed in a test run when several test threads started
/// processes at the same moment (a fault in `memcpy` inside `run()`), so every test that starts a
/// process goes through this lock.
public enum ProcessLauncher {
    private static let lock = Mutex(())

    public static func run(_ process: Process) throws {
        try lock.withLock { _ in
            try process.run()
        }
    }

    /// Runs `spawn` under the same lock, so that a `posix_spawn` of SpawnedProcess never overlaps a
    /// `Process.run()` either.
    static func serialized<Result>(_ spawn: () -> Result) -> Result {
        lock.withLock { _ in
            spawn()
        }
    }
}
