import Foundation
import MeshProtocol
import MeshRuntime
import MeshTesting
import MeshTransport

/// One `EchoService` served on a real Unix socket in a temporary home, plus a raw client.
final class RuntimeFixture: Sendable {
    let home: MeshHome
    let host: ServiceHost
    let clientLoop: EventLoop
    /// The service's log lines at `logLevel` and above.
    let logs = LogSink.memory()

    /// - Parameter variables: the environment the service reads, none of the test process's by default.
    init(limits: ServerLimits = ServerLimits(), variables: [String: String] = [:], logLevel: Logger.Level = .error)
        throws
    {
        home = MeshHome(root: "/tmp/rt-" + String(UInt64.random(in: 0...UInt64.max), radix: 36))
        host = try ServiceHost(
            EchoService.self, home: home, logger: Logger(label: "echo", level: logLevel, sink: logs), limits: limits,
            variables: variables)
        try host.start()
        clientLoop = try EventLoop(name: "test-client")
        clientLoop.start()
    }

    deinit {
        host.stop()
        clientLoop.stop()
        try? FileManager.default.removeItem(atPath: home.root)
    }

    var socketPath: String { home.socketPath(EchoService.name) }

    func client() -> RPCClient {
        RPCClient(path: socketPath, loop: clientLoop)
    }

    /// Waits up to 30 seconds for the server to have no more than `leaving` open connections and returns
    /// how many it has. Generous, because the whole test suite shares two cores, and it waits only as
    /// long as it must.
    func openConnectionsOnceSettled(leaving: Int = 0) async throws -> Int {
        let deadline = ContinuousClock.now + .seconds(30)
        var open = Int.max
        while ContinuousClock.now < deadline {
            open = host.loop.runAndWait { host.server.connectionCount }
            if open <= leaving {
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return open
    }

    /// A blocking raw socket for sending arbitrary bytes.
    func rawSocket() throws -> RawSocket {
        try RawSocket(path: socketPath)
    }
}

/// A plain blocking Unix socket, for sending broken frames and reading what comes back.
final class RawSocket {
    let descriptor: Int32

    init(path: String) throws {
        descriptor = try BlockingUnixSocket.connect(to: path)
        // Generous, because the whole suite shares two cores; a read waits only as long as it must.
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(descriptor)
    }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    func sendFrame(_ text: String) {
        send(FrameEncoder.frame(Array(text.utf8)))
    }

    /// Reads one frame's payload, or nil when the peer closed or nothing came within 5 seconds.
    func readFrame() -> [UInt8]? {
        guard let header = read(count: 4) else {
            return nil
        }
        let length = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        return read(count: length)
    }

    func readJSON() -> JSONValue? {
        readFrame().flatMap { try? JSONParser.parse($0) }
    }

    /// Shuts down the sending side only, so the server reads end of stream while this side can still read.
    func finishSending() {
        shutdown(descriptor, Int32(SHUT_WR))
    }

    /// True when the peer has closed the connection (a read returns end of file).
    func isClosedByPeer() -> Bool {
        var byte: UInt8 = 0
        return recv(descriptor, &byte, 1, 0) == 0
    }

    private func read(count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var received = 0
        while received < count {
            let result = buffer.withUnsafeMutableBytes {
                recv(descriptor, $0.baseAddress! + received, count - received, 0)
            }
            if result <= 0 {
                return nil
            }
            received += result
        }
        return buffer
    }
}
