import Dispatch
import Foundation

/// Removal of stopped test meshes' homes on background threads, which the test process waits for
/// at exit. Without the wait, the home of a process's last test stays in /tmp.
enum HomeRemoval {
    private static let pending = DispatchGroup()

    private static let waitAtExit: Void = {
        atexit {
            _ = HomeRemoval.pending.wait(timeout: .now() + .seconds(20))
        }
    }()

    /// Runs `stop` on a new thread, then removes the folder at `root`.
    static func remove(_ root: String, after stop: @escaping @Sendable () -> Void) {
        _ = waitAtExit
        pending.enter()

        Thread.detachNewThread {
            stop()
            try? FileManager.default.removeItem(atPath: root)
            pending.leave()
        }
    }
}
