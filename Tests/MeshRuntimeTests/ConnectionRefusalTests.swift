import Foundation
import MeshProtocol
import MeshRuntime
import MeshTransport
import Testing

/// A server that refuses a connection gives the reason in an error frame with a null id, and the client fails
/// its calls with that error, not with a bare "connection closed".
@Suite struct ConnectionRefusalTests {
    @Test func clientReportsTheConnectionLimit() async throws {
        var limits = ServerLimits()
        limits.maximumConnections = 1
        let fixture = try RuntimeFixture(limits: limits)
        let occupant = try fixture.rawSocket()
        occupant.sendFrame(#"{"jsonrpc":"2.0","id":1,"method":"rpc.ping"}"#)
        _ = occupant.readJSON()

        for _ in 0..<5 {
            let client = fixture.client()
            defer { client.close() }
            let outcome = await client.send(
                id: 1, payload: Array(#"{"jsonrpc":"2.0","id":1,"method":"rpc.ping"}"#.utf8), timeout: .seconds(10))

            guard case .failure(let error) = outcome else {
                Issue.record("a second connection was served: \(outcome)")
                return
            }
            #expect(error.message.contains("too many connections (limit 1)"), "\(error.message)")
            #expect(error.details?["reason"] == "connections")
            #expect(error.retryAfterMs == 100)
        }
    }

    /// The server may refuse and close before the client writes anything, so the write fails while
    /// the refusal waits unread: the connection delivers it before closing. The server keeps reading
    /// for two seconds after its refusal, so the client writes later than that.
    @Test func refusalIsReadWhenTheWriteFails() async throws {
        let refusing = try RefusingServer()
        defer { withExtendedLifetime(refusing) {} }
        let path = refusing.path
        let fixture = try RuntimeFixture()
        let received = FrameRecorder()

        // The write comes after the server refused and closed, on the same loop turn as the connect,
        // so the client has not yet read the refusal when its write fails.
        let connection = try fixture.clientLoop.runAndWait {
            Result { () throws(TransportError) -> SocketConnection in
                let connection = try SocketConnection.connect(to: path, loop: fixture.clientLoop)
                connection.delegate = received
                usleep(2_500_000)
                connection.send(Array(#"{"jsonrpc":"2.0","id":1,"method":"rpc.ping"}"#.utf8))
                connection.flushWrites()
                return connection
            }
        }.get()
        try await Task.sleep(for: .milliseconds(100))

        let frames = fixture.clientLoop.runAndWait { received.frames }
        let reply = try #require(frames.first)
        #expect(reply["error"]?["data"]?["status"] == "PERMISSION_DENIED", "\(reply)")
        #expect(fixture.clientLoop.runAndWait { connection.isClosed })
    }

    /// A client that writes before it reads still gets the refusal, and can go on writing for a moment.
    /// Closing with its request unread would reset the connection, so the server shuts down its sending
    /// side and reads what comes before it closes.
    @Test func refusalSurvivesEarlyWrites() throws {
        let refusing = try RefusingServer()
        defer { withExtendedLifetime(refusing) {} }

        let socket = try RawSocket(path: refusing.path)
        let ping = FrameEncoder.frame(Array(#"{"jsonrpc":"2.0","id":1,"method":"rpc.ping"}"#.utf8))
        socket.send(ping)
        let refusal = socket.readJSON()
        // The server has written its refusal by now, so this write comes after it.
        let written = ping.withUnsafeBytes {
            Glibc.send(socket.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
        }

        #expect(refusal?["error"]?["data"]?["status"] == "PERMISSION_DENIED", "\(String(describing: refusal))")
        #expect(written == ping.count, "the write after the refusal failed with errno \(errno)")
        #expect(socket.isClosedByPeer())
    }
}

/// A server on a fresh socket path that refuses every peer, because it trusts only another uid.
private final class RefusingServer {
    let path = "/tmp/rt-refuse-\(UInt32.random(in: 0...UInt32.max)).sock"
    let loop: EventLoop
    let server: UnixServer

    init() throws {
        loop = try EventLoop(name: "refusing")
        loop.start()
        server = UnixServer(
            path: path, loop: loop, trustedUIDs: [getuid() &+ 1], delegate: PeerCheckTests.RefusingDelegate())
        try server.start()
    }

    deinit {
        server.stop()
        loop.stop()
    }
}

/// Keeps the frames a connection delivers, as JSON. Loop thread only.
private final class FrameRecorder: ConnectionDelegate, @unchecked Sendable {
    // Safe to share: the connection calls it on its loop thread, and the test reads `frames` through
    // runAndWait on that thread.
    var frames: [JSONValue] = []

    func connection(_ connection: SocketConnection, didReceive payload: UnsafeRawBufferPointer) {
        if let value = try? JSONParser.parse(Array(payload)) {
            frames.append(value)
        }
    }

    func connection(_ connection: SocketConnection, didFailFraming error: FrameError) {}
    func connectionDidClose(_ connection: SocketConnection) {}
}
