import Foundation
import MeshProtocol
import MeshRuntime
import MeshTransport
import Testing

@Suite struct SocketLifecycleTests {
    @Test func socketIsOwnerOnly() throws {
        let previous = umask(0)
        defer { umask(previous) }
        let fixture = try RuntimeFixture()

        var status = stat()
        #expect(stat(fixture.socketPath, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
        #expect(stat(fixture.home.runDirectory, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o700)
    }

    @Test func liveSocketIsNotTakenOver() throws {
        let fixture = try RuntimeFixture()
        #expect(throws: (any Error).self) {
            let second = try ServiceHost(
                EchoService.self, home: fixture.home, logger: Logger(label: "second", sink: .memory()))
            try second.start()
        }
        #expect(FileManager.default.fileExists(atPath: fixture.socketPath))
    }

    @Test func staleSocketIsReplaced() async throws {
        let home = MeshHome(root: "/tmp/rt-stale-" + String(UInt32.random(in: 0...UInt32.max), radix: 36))
        try home.prepare()
        defer { try? FileManager.default.removeItem(atPath: home.root) }

        // A socket file with no process behind it, as a killed process leaves.
        let path = home.socketPath(EchoService.name)
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
        }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        close(descriptor)
        #expect(FileManager.default.fileExists(atPath: path))

        let host = try ServiceHost(EchoService.self, home: home, logger: Logger(label: "echo", sink: .memory()))
        try host.start()
        defer { host.stop() }
        let loop = try EventLoop(name: "stale")
        loop.start()
        defer { loop.stop() }
        #expect(try await RPCClient(path: path, loop: loop).call("rpc.ping") == "pong")
    }

    /// Starts an echo service in a new home whose log lines stay in `sink`.
    private func startEcho(_ sink: LogSink) throws -> (MeshHome, ServiceHost) {
        let home = MeshHome(root: "/tmp/rt-gone-" + String(UInt32.random(in: 0...UInt32.max), radix: 36))
        let host = try ServiceHost(EchoService.self, home: home, logger: Logger(label: "echo", sink: sink))
        try host.start()
        return (home, host)
    }

    /// Waits up to 10 seconds for a log line containing `text`.
    private func waitForLine(_ text: String, in sink: LogSink) async throws -> Bool {
        for _ in 0..<100 where !sink.captured.contains(where: { $0.contains(text) }) {
            try await Task.sleep(for: .milliseconds(100))
        }
        return sink.captured.contains { $0.contains(text) }
    }

    @Test func removedSocketIsBoundAgain() async throws {
        let sink = LogSink.memory()
        let (home, host) = try startEcho(sink)
        defer {
            host.stop()
            try? FileManager.default.removeItem(atPath: home.root)
        }
        let path = home.socketPath(EchoService.name)

        unlink(path)
        let restored = try await waitForLine("socket.restored", in: sink)
        let loop = try EventLoop(name: "gone")
        loop.start()
        defer { loop.stop() }

        #expect(restored)
        #expect(try await RPCClient(path: path, loop: loop).call("rpc.ping") == "pong")
    }

    @Test func fileInSocketPlaceIsLeftAlone() async throws {
        let sink = LogSink.memory()
        let (home, host) = try startEcho(sink)
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        let path = home.socketPath(EchoService.name)

        // A rename puts the file in place of the socket in one step, so the server never finds the path empty.
        try "someone else's".write(toFile: path + ".new", atomically: false, encoding: .utf8)
        #expect(rename(path + ".new", path) == 0)
        let reported = try await waitForLine("socket.replaced", in: sink)
        host.stop()

        #expect(reported)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "someone else's")
        #expect(sink.captured.filter { $0.contains("socket.replaced") }.count == 1)
    }

    @Test func tooLongSocketPathNamesTheFix() throws {
        let long = "/tmp/" + String(repeating: "x", count: 120)
        do {
            try UnixSocketPath.validate(long + "/run/echo.sock")
            Issue.record("an over-long path was accepted")
        } catch {
            #expect(error.message.contains("MESH_HOME"))
            #expect(error.message.contains("107"))
        }
    }

    @Test func pathThatIsNotASocketIsNotRetried() async throws {
        let path = "/tmp/rt-file-\(UInt32.random(in: 0...UInt32.max)).sock"
        try "not a socket".write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        let loop = try EventLoop(name: "file")
        loop.start()
        defer { loop.stop() }

        let client = RPCClient(path: path, loop: loop)
        let error = await #expect(throws: RPCError.self) {
            try await client.call("rpc.ping")
        }
        // The second call comes during the backoff after the first failure, and gets the same error.
        let again = await #expect(throws: RPCError.self) {
            try await client.call("rpc.ping")
        }

        #expect(error?.status == .failedPrecondition)
        #expect(error?.retryable == false)
        #expect(
            error?.message.contains("'\(path)' is not a socket, so check the path") == true,
            "\(String(describing: error))")
        #expect(again?.status == .failedPrecondition)
        #expect(again?.retryable == false)
    }

    @Test func clientFailsFastWhenServiceIsDown() async throws {
        let loop = try EventLoop(name: "down")
        loop.start()
        defer { loop.stop() }
        let client = RPCClient(path: "/tmp/no-such-mesh-\(UInt32.random(in: 0...UInt32.max)).sock", loop: loop)
        do {
            _ = try await client.call("rpc.ping", timeout: .seconds(30))
            Issue.record("a call to a missing socket succeeded")
        } catch {
            // UNAVAILABLE, not DEADLINE_EXCEEDED: the call failed at once instead of waiting out its timeout.
            #expect(error.status == .unavailable)
            #expect(error.retryable)
        }
    }

    @Test func closingConnectionCancelsItsRequests() async throws {
        let fixture = try RuntimeFixture()
        do {
            let socket = try fixture.rawSocket()
            socket.sendFrame(#"{"jsonrpc":"2.0","id":1,"method":"echo.sleep","params":{"milliseconds":60000}}"#)
            try await Task.sleep(for: .milliseconds(100))
        }
        // The connection closed when the socket went out of scope; the server keeps serving.
        #expect(try await fixture.client().call("rpc.ping") == "pong")
    }

    @Test func halfCloseStillGetsReplies() async throws {
        let fixture = try RuntimeFixture()
        let socket = try fixture.rawSocket()
        socket.sendFrame(#"{"jsonrpc":"2.0","id":1,"method":"echo.sleep","params":{"milliseconds":200}}"#)
        socket.sendFrame(#"{"jsonrpc":"2.0","id":2,"method":"echo.say","params":{"text":"hi"}}"#)

        socket.finishSending()

        let replies = [socket.readJSON(), socket.readJSON()].compactMap { $0 }
        #expect(Set(replies.compactMap { $0["id"]?.intValue }) == [1, 2])
        #expect(replies.allSatisfy { $0["error"] == nil })
        #expect(socket.isClosedByPeer())
    }

    @Test func halfCloseWithNothingPendingCloses() async throws {
        let fixture = try RuntimeFixture()
        let socket = try fixture.rawSocket()

        socket.finishSending()

        #expect(socket.isClosedByPeer())
    }

    @Test func fullCloseDoesNotWaitForRequests() async throws {
        let fixture = try RuntimeFixture()
        do {
            let socket = try fixture.rawSocket()
            socket.sendFrame(#"{"jsonrpc":"2.0","id":1,"method":"echo.sleep","params":{"milliseconds":60000}}"#)
            try await Task.sleep(for: .milliseconds(100))
        }

        // The request would sleep a minute; its connection is gone long before, because it was cancelled.
        #expect(try await fixture.openConnectionsOnceSettled() == 0)
    }

    @Test func manyConnectsLeaveNoConnectionsBehind() async throws {
        let fixture = try RuntimeFixture()
        for _ in 0..<2_000 {
            let socket = try fixture.rawSocket()
            socket.sendFrame(#"{"jsonrpc":"2.0","id":1,"method":"rpc.ping"}"#)
            _ = socket.readFrame()
        }

        // Every closed client connection is closed and forgotten on the server side too.
        #expect(try await fixture.openConnectionsOnceSettled() == 0)
    }
}

@Suite struct PeerCheckTests {
    /// Accepts nothing; the server must reject the peer before any delegate call.
    final class RefusingDelegate: ServerDelegate {
        func server(_ server: UnixServer, didAccept connection: SocketConnection) {}
        func connection(_ connection: SocketConnection, didReceive payload: UnsafeRawBufferPointer) {}
        func connection(_ connection: SocketConnection, didFailFraming error: FrameError) {}
        func connectionDidClose(_ connection: SocketConnection) {}
    }

    @Test func untrustedUIDIsRejected() throws {
        let path = "/tmp/rt-peer-\(UInt32.random(in: 0...UInt32.max)).sock"
        let loop = try EventLoop(name: "peer")
        loop.start()
        defer { loop.stop() }
        let server = UnixServer(path: path, loop: loop, trustedUIDs: [getuid() &+ 1], delegate: RefusingDelegate())
        try server.start()
        defer { server.stop() }

        let socket = try RawSocket(path: path)
        let reply = try #require(socket.readJSON())
        #expect(reply["error"]?["data"]?["status"] == "PERMISSION_DENIED")
        #expect(reply["error"]?["data"]?["details"]?["peer_uid"] == .int(Int64(getuid())))
        #expect(reply["error"]?["data"]?["details"]?["trusted_uids"] == [.int(Int64(getuid() &+ 1))])
        #expect(
            reply["error"]?["message"]?.stringValue?.hasPrefix(
                "uid \(getuid()) is not trusted by this process, which trusts uid \(getuid() &+ 1);") == true)
        #expect(socket.isClosedByPeer())
    }
}
