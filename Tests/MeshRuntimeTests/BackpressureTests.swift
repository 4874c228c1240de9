import Foundation
import MeshProtocol
import MeshTransport
import Testing

/// A client that stops reading its replies makes the server stop reading its requests, and loses
/// nothing: every reply waits until the client reads again.
@Suite struct BackpressureTests {
    /// With a 4 KB queue the server stops reading; with the default 8 MiB it does not, but the replies
    /// still wait for the client.
    @Test(arguments: [4096, 8 << 20])
    func unreadRepliesKeepTheConnection(queueLimit: Int) async throws {
        var limits = ServerLimits()
        limits.maximumOutboundBytes = queueLimit
        limits.partialFrameTimeout = .milliseconds(200)
        let fixture = try RuntimeFixture(limits: limits)
        let socket = try fixture.rawSocket()

        // 64 replies of 16 KB each fill far more than the socket buffers, and the frame cut in half
        // after them stays in the server's decoder while the replies wait.
        let count = 64
        var bytes: [UInt8] = []
        for id in 1...count {
            let request =
                #"{"jsonrpc":"2.0","id":\#(id),"method":"echo.say","params":{"text":"x","repeat_count":16384}}"#
            bytes += FrameEncoder.frame(Array(request.utf8))
        }
        let last = FrameEncoder.frame(Array(#"{"jsonrpc":"2.0","id":0,"method":"rpc.ping"}"#.utf8))
        socket.send(bytes + last.prefix(10))

        // Longer than the partial-frame timeout plus the server's one-second sweep.
        try await Task.sleep(for: .milliseconds(2_500))

        var ids: Set<Int64> = []
        for _ in 1...count {
            guard let reply = socket.readJSON(), let id = reply["id"]?.intValue else {
                break
            }
            ids.insert(id)
        }
        #expect(ids.count == count)

        socket.send(Array(last.dropFirst(10)))
        #expect(socket.readJSON()?["result"] == "pong")
    }
}
