import Foundation
import MeshProtocol
import MeshTesting

/// What Linux reports about a running process under /proc, for tests that check a process's memory,
/// file descriptors and liveness from the outside.
enum ProcessStats {
    /// Returns the resident memory (VmRSS) in bytes.
    static func residentBytes(_ pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else {
            throw WireFailure("no VmRSS line in /proc/\(pid)/status")
        }
        return kilobytes * 1024
    }

    /// Counts the open file descriptors.
    static func openDescriptors(_ pid: Int32) throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
    }

    /// Returns the user plus system CPU time the process has used, in seconds.
    static func cpuSeconds(_ pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // The command name in parentheses may contain spaces, so split only what follows it.
        guard let close = stat.lastIndex(of: ")") else {
            throw WireFailure("unreadable /proc/\(pid)/stat")
        }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After ")": state is field 3 of the man page, utime 14 and stime 15.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw WireFailure("unreadable /proc/\(pid)/stat")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Returns true while the process exists and has not exited (a zombie counts as exited).
    static func isRunning(_ pid: Int32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("State:") })
        else {
            return false
        }
        return !line.contains("Z (zombie)") && !line.contains("X (dead)")
    }
}

extension MeshCluster {
    /// Returns the pid of `process`, or throws naming the missing pid file.
    func requirePID(_ process: String) throws -> Int32 {
        guard let pid = pid(of: process) else {
            throw WireFailure("no pid file for \(process) in \(home.runDirectory)")
        }
        return pid
    }

    /// Pings `process` on a fresh connection to its own socket and returns the result.
    ///
    /// The blocking work runs on a thread of its own, which keeps only the socket path: a thread
    /// that outlived the test would otherwise keep the cluster, and so the mesh, running.
    func ping(_ process: String) async throws -> JSONValue? {
        let path = home.socketPath(process)
        return try await onOwnThread { try WireSocket.ping(path) }
    }
}

/// Formats a byte count in megabytes, for messages about memory.
func megabytes(_ bytes: Int) -> String {
    String(format: "%.1f MB", Double(bytes) / 1_048_576)
}
