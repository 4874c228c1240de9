import Billing
import Foundation
import MeshProtocol
import MeshRuntime
import MeshTesting
import MeshTransport
import Synchronization
import Testing

/// Clients that stall, never read, or open too many connections, against real processes (and one
/// in-process host with a small connection limit). None of them can take a process down or make it
/// stop serving others.
@Suite(.serialized)
struct SlowClientTests {
    @Test func stalledPartialFrameIsDisconnected() async throws {
        let cluster = try await MeshCluster()
        let pid = try cluster.requirePID("billing")
        let path = cluster.home.socketPath("billing")

        let (stalledEnd, idleReply) = try await onOwnThread {
            // Both connections open at the same moment: one stalls inside a frame, one sends nothing.
            let stalled = try WireSocket(path: path, receiveTimeout: .seconds(40))
            let idle = try WireSocket(path: path)
            let frame = FrameEncoder.frame(Array(#"{"jsonrpc":"2.0","id":1,"method":"rpc.ping"}"#.utf8))
            try stalled.send(Array(frame.prefix(20)))

            // The partial-frame timeout (10 s) closes the stalled one, without an error frame.
            let stalledEnd = stalled.read()
            // The idle timeout is 300 s, so the idle one is still open and served.
            let idleReply = try idle.call(#"{"jsonrpc":"2.0","id":2,"method":"rpc.ping"}"#)
            return (stalledEnd, idleReply)
        }
        #expect(stalledEnd == .closed)
        #expect(idleReply["result"] == "pong")
        #expect(cluster.pid(of: "billing") == pid)
    }

    /// How much a process's resident memory may grow while a client floods it without reading.
    /// The server queues at most 8 MiB of replies per connection, plus the request it is reading
    /// and the array's spare capacity, before it stops reading. The client offers about 100 MB.
    static let floodGrowthBound = 64 << 20

    /// Pings with 5,000-byte ids, so each reply is as long as its request: about 100 MB each way.
    static let floodPings = 20_000

    @Test func nonReadingClientCannotGrowMemory() async throws {
        let cluster = try await MeshCluster()
        let pid = try cluster.requirePID("billing")
        let path = cluster.home.socketPath("billing")
        let before = try ProcessStats.residentBytes(pid)

        let outcome = try await onOwnThread { () -> FloodOutcome in
            let flooder = try WireSocket(path: path, receiveTimeout: .seconds(30), sendTimeout: .seconds(1))
            var stream = PingStream(count: Self.floodPings, idBytes: 5_000)

            // Write without reading until the server stops reading this connection.
            let finishedUnread = try stream.write(to: flooder)
            let framesAtStall = stream.framesStarted
            let residentAtStall = try ProcessStats.residentBytes(pid)
            let othersServed = try WireSocket.ping(path)

            // Now read every reply on another thread while this one writes the rest of the last
            // chunk. Each request written gets its reply once the client reads, including those
            // read before the pause and still buffered.
            let expected = framesAtStall
            let tally = ReplyCounter()
            let readerDone = DispatchSemaphore(value: 0)
            let reader = Thread {
                while tally.total < expected, case .frame(let payload) = flooder.read() {
                    tally.record(payload)
                }
                readerDone.signal()
            }
            reader.start()
            try stream.finishChunk(to: flooder)
            readerDone.wait()

            return FloodOutcome(
                finishedUnread: finishedUnread,
                framesAtStall: framesAtStall,
                residentAtStall: residentAtStall,
                othersServed: othersServed,
                replies: tally.total,
                pongs: tally.pongs
            )
        }

        #expect(
            !outcome.finishedUnread,
            "the server read all \(Self.floodPings) requests while none of the replies was read")
        #expect(outcome.framesAtStall < Self.floodPings)
        #expect(
            outcome.residentAtStall - before < Self.floodGrowthBound,
            "billing grew from \(megabytes(before)) to \(megabytes(outcome.residentAtStall)) under the flood"
        )
        #expect(outcome.othersServed == "pong")
        // Once the client reads, every request gets its reply: none was dropped while reading was paused.
        #expect(outcome.replies == outcome.framesAtStall)
        #expect(outcome.pongs == outcome.framesAtStall)
        #expect(cluster.pid(of: "billing") == pid)
    }

    @Test func pausedConnectionResumesBufferedFrames() async throws {
        let home = MeshHome(root: "/tmp/sc-" + String(UInt64.random(in: 0...UInt64.max), radix: 36))
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        var limits = ServerLimits()
        limits.maximumOutboundBytes = 16 << 10
        let host = try ServiceHost(
            Billing.self, home: home, logger: Logger(label: "billing", level: .error, sink: .memory()), limits: limits)
        try host.start()
        defer { host.stop() }

        // 30 batches of 256 non-objects in one write of 15 KB, small enough for the kernel to pass
        // on whole, so the server reads it at once. Each 516-byte batch gets a 38 KB reply of 256
        // errors. Once the socket buffer is full, the queue passes its 16 KiB limit within a few of
        // them, and the rest wait, read but not yet handled, with nothing more to come from the socket.
        let batch = "[" + Array(repeating: "0", count: 256).joined(separator: ",") + "]"
        let count = 30
        let replies = try await onOwnThread { () -> [Int] in
            let socket = try WireSocket(path: home.socketPath("billing"), receiveTimeout: .seconds(10))
            try socket.send(Array([[UInt8]](repeating: FrameEncoder.frame(Array(batch.utf8)), count: count).joined()))
            // Read nothing for a moment, so that the server fills the socket and its queue and pauses.
            usleep(500_000)
            var sizes: [Int] = []
            while sizes.count < count, case .frame(let payload) = socket.read() {
                sizes.append(try JSONParser.parse(payload).arrayValue?.count ?? 0)
            }
            return sizes
        }
        #expect(replies == Array(repeating: 256, count: count))
    }

    @Test func halfClosedFlooderDoesNotSpin() async throws {
        let cluster = try await MeshCluster()
        let pid = try cluster.requirePID("billing")
        let path = cluster.home.socketPath("billing")

        let (cpuWhileHalfClosed, stillServing) = try await onOwnThread {
            let flooder = try WireSocket(path: path, sendTimeout: .seconds(1))
            var stream = PingStream(count: Self.floodPings, idBytes: 5_000)
            _ = try stream.write(to: flooder)

            // The server has stopped reading this connection. Now the client closes its writing half
            // and still reads nothing, and the server must wait quietly instead of waking in a loop.
            flooder.shutdownWrite()
            let start = try ProcessStats.cpuSeconds(pid)
            sleep(3)
            let used = try ProcessStats.cpuSeconds(pid) - start
            return (used, try WireSocket.ping(path))
        }
        // A resource bound, not a speed: 3 s of waiting may cost a little CPU, not a busy core.
        #expect(
            cpuWhileHalfClosed < 1.5,
            "billing used \(cpuWhileHalfClosed) s of CPU in 3 s while a half-closed client read nothing")
        #expect(stillServing == "pong")
        #expect(cluster.pid(of: "billing") == pid)
    }

    @Test func extraConnectionGetsUnavailable() async throws {
        let home = MeshHome(root: "/tmp/sc-" + String(UInt64.random(in: 0...UInt64.max), radix: 36))
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        var limits = ServerLimits()
        limits.maximumConnections = 8
        let host = try ServiceHost(
            Billing.self, home: home, logger: Logger(label: "billing", level: .error, sink: .memory()), limits: limits)
        try host.start()
        defer { host.stop() }
        let path = home.socketPath("billing")

        let (served, refused, refusedEnd, afterOneLeft) = try await onOwnThread {
            let ping = #"{"jsonrpc":"2.0","id":1,"method":"rpc.ping"}"#
            var open = try (0..<8).map { _ in try WireSocket(path: path) }
            // Each gets its reply, so each is accepted and counted before the ninth arrives.
            let served = try open.map { try $0.call(ping)["result"] }

            let ninth = try WireSocket(path: path)
            let refused = try ninth.readReply()
            let refusedEnd = ninth.read()

            // Once one of the eight leaves, a new connection is served again.
            open.removeFirst()
            var afterOneLeft: JSONValue?
            for _ in 0..<100 where afterOneLeft == nil {
                // Until the server reads the close, it still rejects the connection: it writes the refusal and
                // closes, so the ping's write may fail with a broken pipe instead of reading the refusal.
                let next = try WireSocket(path: path)
                let reply = try? next.call(ping)
                if let reply, reply["result"] == "pong" {
                    afterOneLeft = reply["result"]
                    open.append(next)
                } else {
                    usleep(20_000)
                }
            }
            return (served, refused, refusedEnd, afterOneLeft)
        }

        #expect(served == Array(repeating: "pong", count: 8))
        #expect(refused.errorCode == -32014, "\(JSONWriter.string(refused))")
        #expect(refused["id"] == .null)
        #expect(refused.errorStatus == "UNAVAILABLE")
        #expect(refused["error"]?["data"]?["retryable"] == true)
        #expect(refused.errorMessage.contains("limit 8"))
        #expect(refusedEnd == .closed)
        #expect(afterOneLeft == "pong")
    }

    @Test func descriptorExhaustionDoesNotSpin() async throws {
        // A real billing process allowed only 48 open files, so that connections run it out of them.
        let home = MeshHome(root: "/tmp/sd-" + String(UInt64.random(in: 0...UInt64.max), radix: 36))
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        let process = try SpawnedProcess(
            executable: "/bin/sh",
            arguments: [
                "-c", #"ulimit -n 48 && exec "$0" serve billing --home "$1""#, try MeshCluster.meshBinary(), home.root,
            ],
            outputPath: "/dev/null"
        )
        defer {
            process.signal(SIGTERM)
            process.waitUntilExit()
        }
        let pid = process.pid
        let path = home.socketPath("billing")

        let (cpuWhileFull, servedAfter) = try await onOwnThread {
            try Self.waitUntilServing(path)

            // 80 connections: the first few dozen are accepted, the rest wait in the listen queue
            // while every accept fails with EMFILE.
            var open = try (0..<80).map { _ in try WireSocket(path: path) }
            sleep(1)
            let start = try ProcessStats.cpuSeconds(pid)
            sleep(3)
            let used = try ProcessStats.cpuSeconds(pid) - start

            // Once they close, the process accepts and serves again.
            open.removeAll()
            try Self.waitUntilServing(path)
            return (used, try WireSocket(path: path).call(#"{"jsonrpc":"2.0","id":1,"method":"rpc.ping"}"#)["result"])
        }
        // A resource bound, not a speed: waiting for descriptors may cost a little CPU, not a busy core.
        #expect(cpuWhileFull < 1.5, "billing used \(cpuWhileFull) s of CPU in 3 s while out of descriptors")
        #expect(servedAfter == "pong")
        #expect(ProcessStats.isRunning(pid))
    }

    /// Pings the socket at `path` until it replies, for up to 30 seconds.
    static func waitUntilServing(_ path: String) throws {
        for _ in 0..<300 {
            if let socket = try? WireSocket(path: path, receiveTimeout: .seconds(1)),
                (try? socket.call(#"{"jsonrpc":"2.0","id":1,"method":"rpc.ping"}"#))?["result"] == "pong"
            {
                return
            }
            usleep(100_000)
        }
        throw WireFailure("\(path) did not reply to rpc.ping within 30 s")
    }

    @Test func manyConnectsLeakNoDescriptors() async throws {
        let cluster = try await MeshCluster()
        let pid = try cluster.requirePID("billing")
        let path = cluster.home.socketPath("billing")

        // Warm up first, so descriptors the process opens once (reader connections, peers) are
        // already counted in the baseline.
        try await onOwnThread { try Self.connectMany(250, to: path) }
        let baseline = try await Self.settledDescriptors(pid)

        try await onOwnThread { try Self.connectMany(10_000, to: path) }
        let after = try await Self.settledDescriptors(pid, atMost: baseline)

        #expect(after <= baseline, "billing had \(baseline) descriptors before 10,000 connects and \(after) after")
        #expect(try await cluster.ping("billing") == "pong")
        #expect(cluster.pid(of: "billing") == pid)
    }

    /// Opens and closes `count` connections, in four ways: closed at once, after a ping, in the
    /// middle of a frame, and after a bad length prefix.
    static func connectMany(_ count: Int, to path: String) throws {
        let ping = FrameEncoder.frame(Array(#"{"jsonrpc":"2.0","id":1,"method":"rpc.ping"}"#.utf8))
        for index in 0..<count {
            let socket = try WireSocket(path: path, receiveTimeout: .seconds(10))
            switch index % 4 {
            case 0:
                break
            case 1:
                try socket.send(ping)
                _ = socket.read()
            case 2:
                try socket.send(Array(ping.prefix(10)))
            default:
                try socket.send([0, 0, 0, 0])
                _ = socket.read()
            }
        }
    }

    /// Returns the descriptor count once the process has closed what it will close. It polls until
    /// the count is at most `atMost`, or stops changing without one, for up to 20 seconds.
    static func settledDescriptors(_ pid: Int32, atMost target: Int? = nil) async throws -> Int {
        var last = try ProcessStats.openDescriptors(pid)
        for _ in 0..<100 {
            try await Task.sleep(for: .milliseconds(200))
            let now = try ProcessStats.openDescriptors(pid)
            if let target, now <= target {
                return now
            }
            if target == nil && now == last {
                return now
            }
            last = now
        }
        return last
    }
}

/// What the flooding client saw.
struct FloodOutcome: Sendable {
    let finishedUnread: Bool
    let framesAtStall: Int
    let residentAtStall: Int
    let othersServed: JSONValue?
    let replies: Int
    let pongs: Int
}

/// Counts the replies a flooding client reads back. The reading thread records, the writing thread reads.
final class ReplyCounter: Sendable {
    private let counts = Mutex((total: 0, pongs: 0))

    var total: Int { counts.withLock { $0.total } }
    var pongs: Int { counts.withLock { $0.pongs } }

    func record(_ payload: [UInt8]) {
        // A pong reply ends with "result":"pong"}, and parsing them all would only slow the test.
        let isPong = payload.count > 16 && String(decoding: payload.suffix(16), as: UTF8.self) == #""result":"pong"}"#
        counts.withLock { counts in
            counts.total += 1
            counts.pongs += isPong ? 1 : 0
        }
    }
}
