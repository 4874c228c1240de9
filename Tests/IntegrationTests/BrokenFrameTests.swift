import Foundation
import MeshProtocol
import MeshTesting
import Testing

/// Broken frames sent to a real service process and to the gateway. Each gets the error frame or
/// the close that protocol/SPEC.md section 3 gives it, and the process goes on serving other
/// connections under the same pid.
@Suite(.serialized)
struct BrokenFrameTests {
    static let ping = #"{"jsonrpc":"2.0","id":1,"method":"rpc.ping"}"#

    /// Checks that `process` still replies on a fresh connection and was not restarted.
    static func expectStillServing(_ cluster: MeshCluster, _ process: String, pid: Int32) async throws {
        #expect(try await cluster.ping(process) == "pong", "\(process) stopped answering")
        #expect(cluster.pid(of: process) == pid, "\(process) was restarted: it must have died")
    }

    @Test func badLengthPrefixClosesConnection() async throws {
        let cluster = try await MeshCluster()
        for process in ["billing", "gateway"] {
            let pid = try cluster.requirePID(process)
            let path = cluster.home.socketPath(process)
            let before = try ProcessStats.residentBytes(pid)

            let replies = try await onOwnThread {
                var replies: [String: JSONValue] = [:]
                for (name, prefix) in [
                    ("zero", [UInt8]([0, 0, 0, 0])),
                    ("max plus one", [UInt8]([0x00, 0x10, 0x00, 0x01])),
                    ("2 GiB", [UInt8]([0x7F, 0xFF, 0xFF, 0xFF])),
                    ("4 GiB", [UInt8]([0xFF, 0xFF, 0xFF, 0xFF])),
                ] {
                    let socket = try WireSocket(path: path)
                    // A whole good frame first: frames before the bad prefix are handled normally.
                    try socket.send(FrameEncoder.frame(Array(Self.ping.utf8)) + prefix)
                    let pong = try socket.readReply()
                    guard pong["result"] == "pong" else {
                        throw WireFailure("\(name): the frame before the bad prefix was answered \(JSONWriter.string(pong))")
                    }
                    replies[name] = try socket.readReply()
                    try socket.expectClosed()
                }
                return replies
            }

            #expect(replies["zero"]?.errorMessage.contains("frame length is 0") == true)
            #expect(replies["max plus one"]?.errorMessage.contains("frame length 1048577 exceeds the maximum of 1048576") == true)
            #expect(replies["4 GiB"]?.errorMessage.contains("frame length 4294967295") == true)
            for (name, reply) in replies {
                #expect(reply.errorCode == -32600, "\(process), \(name): \(JSONWriter.string(reply))")
                #expect(reply["id"] == .null, "\(process), \(name): \(JSONWriter.string(reply))")
                #expect(reply.errorStatus == "INVALID_REQUEST")
            }

            // Rejected before any buffer of the announced size is allocated: 2 or 4 GiB would show in VmRSS.
            let after = try ProcessStats.residentBytes(pid)
            #expect(after - before < 64 << 20, "\(process) grew from \(megabytes(before)) to \(megabytes(after))")
            try await Self.expectStillServing(cluster, process, pid: pid)
        }
    }

    @Test func maximumSizeFrameIsServed() async throws {
        let cluster = try await MeshCluster()
        let pid = try cluster.requirePID("billing")

        // 1,048,576 bytes: a ping padded with spaces, which JSON allows between tokens.
        let request = Array(Self.ping.utf8)
        let payload = request + Array(repeating: UInt8(ascii: " "), count: (1 << 20) - request.count)
        let path = cluster.home.socketPath("billing")
        let reply = try await onOwnThread {
            try WireSocket(path: path).call(payload)
        }
        #expect(reply["result"] == "pong")
        try await Self.expectStillServing(cluster, "billing", pid: pid)
    }

    @Test func truncatedFrameThenCloseIsHarmless() async throws {
        let cluster = try await MeshCluster()
        let pid = try cluster.requirePID("billing")
        let path = cluster.home.socketPath("billing")

        try await onOwnThread {
            for cut in [1, 3, 4, 20] {
                let socket = try WireSocket(path: path)
                let frame = FrameEncoder.frame(Array(Self.ping.utf8))
                try socket.send(Array(frame.prefix(cut)))
                socket.shutdownWrite()
                // No reply, because half a request cannot be handled. The server closes at end of stream.
                try socket.expectClosed()
            }
        }
        try await Self.expectStillServing(cluster, "billing", pid: pid)
    }

    @Test func splitAndJoinedFramesAreServed() async throws {
        let cluster = try await MeshCluster()
        let pid = try cluster.requirePID("gateway")
        let path = cluster.gatewaySocket

        let (oneByteAtATime, twoInOneWrite) = try await onOwnThread {
            let socket = try WireSocket(path: path)
            for byte in FrameEncoder.frame(Array(Self.ping.utf8)) {
                try socket.send([byte])
                usleep(1_000)
            }
            let first = try socket.readReply()

            let second = #"{"jsonrpc":"2.0","id":2,"method":"rpc.ping"}"#
            let third = #"{"jsonrpc":"2.0","id":3,"method":"rpc.ping"}"#
            try socket.send(FrameEncoder.frame(Array(second.utf8)) + FrameEncoder.frame(Array(third.utf8)))
            let pair = [try socket.readReply(), try socket.readReply()]
            return (first, pair)
        }
        #expect(oneByteAtATime == ["id": 1, "jsonrpc": "2.0", "result": "pong"])
        #expect(Set(twoInOneWrite.compactMap { $0["id"]?.intValue }) == [2, 3])
        #expect(twoInOneWrite.allSatisfy { $0["result"] == "pong" })
        try await Self.expectStillServing(cluster, "gateway", pid: pid)
    }

    @Test func garbagePayloadsKeepTheConnection() async throws {
        let cluster = try await MeshCluster()
        for process in ["billing", "gateway"] {
            let pid = try cluster.requirePID(process)
            let path = cluster.home.socketPath(process)

            let (parseErrors, nonObjects, afterwards) = try await onOwnThread {
                let socket = try WireSocket(path: path)
                var generator = SplitMix64(seed: 0x5EED)
                let garbage: [[UInt8]] = [
                    Array("GET / HTTP/1.1".utf8),
                    [0x00, 0x01, 0x02, 0xFF, 0xFE],
                    (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) },
                    Array("{\"jsonrpc\":\"2.0\",".utf8),
                ]
                let parseErrors = try garbage.map { try socket.call($0) }
                let nonObjects = try ["42", #""rpc.ping""#, "null", "true", "-1.5e3"].map { try socket.call($0) }
                return (parseErrors, nonObjects, try socket.call(Self.ping))
            }

            for reply in parseErrors {
                #expect(reply.errorCode == -32700, "\(process): \(JSONWriter.string(reply))")
                #expect(reply["id"] == .null, "\(process): \(JSONWriter.string(reply))")
            }
            for reply in nonObjects {
                #expect(reply.errorCode == -32600, "\(process): \(JSONWriter.string(reply))")
                #expect(reply["id"] == .null, "\(process): \(JSONWriter.string(reply))")
            }
            // Neither kind of error closes the connection: the stream is still in step.
            #expect(afterwards["result"] == "pong")
            try await Self.expectStillServing(cluster, process, pid: pid)
        }
    }

    @Test func garbageLengthClosesTheConnection() async throws {
        let cluster = try await MeshCluster()
        let pid = try cluster.requirePID("gateway")

        // "GET " read as a length is 1,195,725,856 bytes, over the maximum, so it is rejected at once.
        let path = cluster.gatewaySocket
        let reply = try await onOwnThread {
            let socket = try WireSocket(path: path)
            try socket.send(Array("GET / HTTP/1.1\r\nHost: mesh\r\n\r\n".utf8))
            let reply = try socket.readReply()
            try socket.expectClosed()
            return reply
        }
        #expect(reply.errorCode == -32600)
        #expect(reply["id"] == .null)
        #expect(reply.errorMessage.contains("frame length 1195725856"))
        try await Self.expectStillServing(cluster, "gateway", pid: pid)
    }

    @Test func batchesAreLimitedTo256() async throws {
        let cluster = try await MeshCluster()
        for process in ["billing", "gateway"] {
            let pid = try cluster.requirePID(process)
            let path = cluster.home.socketPath(process)

            let (huge, overByOne, full, empty) = try await onOwnThread {
                let socket = try WireSocket(path: path)
                return (
                    try socket.call(Self.batch(of: 10_000)),
                    try socket.call(Self.batch(of: 257)),
                    try socket.call(Self.batch(of: 256)),
                    try socket.call("[]")
                )
            }

            #expect(huge.errorCode == -32600, "\(process): \(JSONWriter.string(huge).prefix(300))")
            #expect(huge["id"] == .null)
            #expect(huge["error"]?["data"]?["details"] == ["limit": 256, "count": 10_000])
            #expect(overByOne["error"]?["data"]?["details"] == ["limit": 256, "count": 257])
            #expect(empty.errorCode == -32600)
            #expect(empty["id"] == .null)

            let answers = full.arrayValue ?? []
            #expect(answers.count == 256)
            #expect(Set(answers.compactMap { $0["id"]?.intValue }) == Set(1...256))
            #expect(answers.allSatisfy { $0["result"] == "pong" })
            try await Self.expectStillServing(cluster, process, pid: pid)
        }
    }

    /// Builds a batch of `count` pings with ids 1 to `count`.
    static func batch(of count: Int) -> String {
        "[" + (1...count).map { #"{"jsonrpc":"2.0","id":\#($0),"method":"rpc.ping"}"# }.joined(separator: ",") + "]"
    }
}

/// A small seeded random generator, so the garbage a test sends is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
