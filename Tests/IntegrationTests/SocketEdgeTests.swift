import Foundation
import MeshClient
import MeshProtocol
import MeshRuntime
import MeshTesting
import Testing

/// Unix-socket edge cases against real processes. MeshRuntimeTests' SocketLifecycleTests checks
/// in-process that sockets are owner-only whatever the umask, that a stale socket is replaced and
/// that a live one is never taken over. These tests add what needs a real process.
@Suite(.serialized)
struct SocketEdgeTests {
    @Test func clientLeavingMidReplyIsHarmless() async throws {
        let cluster = try await MeshCluster()
        let describe = FrameEncoder.frame(Array(#"{"jsonrpc":"2.0","id":1,"method":"rpc.describe"}"#.utf8))

        for process in ["gateway", "tenancy"] {
            let pid = try cluster.requirePID(process)
            let path = cluster.home.socketPath(process)

            let replyBytes = try await onOwnThread { () -> Int in
                // One whole reply, to know its size.
                let probe = try WireSocket(path: path)
                try probe.send(describe)
                guard case .frame(let payload) = probe.read() else {
                    throw WireFailure("\(process) did not answer rpc.describe")
                }

                // Then 20 clients that each ask for 10 descriptions at once (more than a socket
                // buffer holds), read a few bytes, and leave while the process is still writing.
                for _ in 0..<20 {
                    let socket = try WireSocket(path: path)
                    try socket.send(Array([[UInt8]](repeating: describe, count: 10).joined()))
                    var first = [UInt8](repeating: 0, count: 64)
                    _ = recv(socket.descriptor, &first, first.count, 0)
                }
                return payload.count
            }
            #expect(replyBytes > 1_000)

            #expect(try await cluster.ping(process) == "pong")
            #expect(cluster.pid(of: process) == pid, "\(process) was restarted: it must have died")
        }
    }

    @Test func longSocketPathFailsStartup() async throws {
        // Under /tmp, 150 bytes of folder name: the socket path is about 190 bytes, over the kernel's
        // 107 but well within what SQLite and the filesystem accept, so the socket is what fails.
        let base = "/tmp/se-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let home = base + "/" + String(repeating: "h", count: 150)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let socketPath = home + "/run/billing.sock"

        let (status, text) = try await runToEnd([try MeshCluster.meshBinary(), "serve", "billing", "--home", home])

        #expect(
            status != 0,
            "mesh serve started with a \(socketPath.utf8.count)-byte socket path: \(text)")
        #expect(text.contains(socketPath), "the error does not name the path: \(text)")
        #expect(text.contains("107"), "the error does not give the limit: \(text)")
        #expect(text.contains("MESH_HOME or --home"), "the error does not give the fix: \(text)")

        // Never a silent truncation: nothing was bound at the path cut to the kernel's limit.
        let truncated = String(decoding: socketPath.utf8.prefix(107), as: UTF8.self)
        #expect(!FileManager.default.fileExists(atPath: truncated))
        #expect(!FileManager.default.fileExists(atPath: socketPath))
    }

    @Test func killedServiceSocketIsRebound() async throws {
        let cluster = try await MeshCluster()
        let oldPID = try cluster.requirePID("billing")
        let path = cluster.home.socketPath("billing")
        let supervisorPID = try Self.parentPID(of: oldPID)
        let before = try Self.inode(path)

        // Hold the supervisor still, so that the dead process's socket can be looked at before the
        // restart replaces it. It is always resumed, or stopping the mesh would wait forever.
        kill(supervisorPID, SIGSTOP)
        var resumed = false
        defer {
            if !resumed {
                kill(supervisorPID, SIGCONT)
            }
        }

        kill(oldPID, SIGKILL)
        for _ in 0..<200 where ProcessStats.isRunning(oldPID) {
            try await Task.sleep(for: .milliseconds(25))
        }
        #expect(!ProcessStats.isRunning(oldPID))

        // A process killed with SIGKILL cannot remove its socket: the file stays, and connecting fails
        // once the last of its threads has exited and the kernel has closed the listening socket.
        #expect(try Self.inode(path) == before)
        var refused = false
        for _ in 0..<400 where !refused {
            refused = (try? WireSocket(path: path)) == nil
            if !refused {
                try await Task.sleep(for: .milliseconds(25))
            }
        }
        #expect(refused, "connecting to the killed process's socket still succeeds")
        // Through the gateway, the failure names the process that could not be reached.
        let root = try MeshClient(socketPath: cluster.gatewaySocket, apiKey: try cluster.rootKey)
        let down = await #expect(throws: RPCError.self) { try await root.call("billing.overview") }
        #expect(down?.status == .unavailable)
        #expect(down?.details?["service"] == "billing", "\(String(describing: down))")

        kill(supervisorPID, SIGCONT)
        resumed = true
        try await cluster.waitForRestart("billing", oldPID: oldPID)

        // The new process replaced the stale file with a socket of its own at the same path.
        #expect(cluster.pid(of: "billing") != oldPID)
        #expect(try await cluster.ping("billing") == "pong")
    }

    static func inode(_ path: String) throws -> UInt {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            throw WireFailure("no file at \(path): \(String(cString: strerror(errno)))")
        }
        return UInt(status.st_ino)
    }

    /// Returns the parent of `pid`: for a process of the mesh, the supervisor (`mesh up`) that started it.
    static func parentPID(of pid: Int32) throws -> Int32 {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("PPid:") }),
            let parent = Int32(line.dropFirst("PPid:".count).trimmingCharacters(in: .whitespaces))
        else {
            throw WireFailure("no PPid line in /proc/\(pid)/status")
        }
        return parent
    }
}
