import Foundation
import MeshRuntime

/// Stops `mesh up` when the process named by `MESH_WATCH_PID` exits, for a tool or a test that starts
/// a mesh for itself and may die without stopping it.
enum OwnerWatch {
    static let variable = "MESH_WATCH_PID"

    /// Starts watching when the variable names a pid, and returns nil otherwise.
    ///
    /// - Throws: RuntimeFailure when the variable is set but is not the pid of a running process.
    static func start(logger: Logger, stop: Stopper) throws -> Task<Void, Never>? {
        guard let text = ProcessInfo.processInfo.environment[variable], !text.isEmpty else {
            return nil
        }
        guard let owner = Int32(text), owner > 0, isRunning(owner) else {
            throw RuntimeFailure(
                "\(variable) is '\(text.clipped)', which is not the pid of a running process; fix or unset it")
        }

        return Task.detached {
            while !Task.isCancelled && isRunning(owner) {
                try? await Task.sleep(for: .milliseconds(250))
            }
            if !Task.isCancelled {
                logger.notice("supervisor.owner_gone", ["owner_pid": "\(owner)"])
                stop.request()
            }
        }
    }

    /// Returns whether a process with this pid exists and has not exited. `kill` with signal 0 checks
    /// without sending anything. An exited process that its parent has not reaped yet is a zombie
    /// (state Z in /proc), which counts as gone.
    private static func isRunning(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else {
            return false
        }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else {
            return true
        }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first != "Z"
    }
}
