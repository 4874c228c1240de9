import MeshProtocol

/// A long stream of `rpc.ping` frames with long string ids, written by a client that does not read
/// the replies. It remembers where a blocked write stopped, so the rest can be written later.
struct PingStream {
    /// Frames per write: enough to keep the socket busy without building the whole stream at once.
    private static let framesPerChunk = 64

    let count: Int
    private let padding: String
    /// Frames built so far. Those of the last chunk may not all be written yet.
    private(set) var framesStarted = 0
    private var chunk: [UInt8] = []
    private var offset = 0

    /// `count` pings whose ids are about `idBytes` long, so that each reply is about as long.
    init(count: Int, idBytes: Int) {
        self.count = count
        self.padding = String(repeating: "x", count: idBytes)
    }

    var isFinished: Bool {
        framesStarted == count && offset == chunk.count
    }

    /// Returns the id of ping number `index` (1-based).
    func id(_ index: Int) -> String {
        "\(index)-\(padding)"
    }

    /// Writes until the stream is done (true) or a write blocks for the socket's send timeout
    /// because the server stopped reading (false).
    mutating func write(to socket: WireSocket) throws -> Bool {
        while true {
            if offset == chunk.count {
                guard framesStarted < count else {
                    return true
                }
                nextChunk()
            }
            // A blocking send returns short only when its timeout ran out.
            let remaining = chunk.count - offset
            let written = try socket.trySend(chunk[offset...])
            offset += written
            if written < remaining {
                return false
            }
        }
    }

    /// Writes the rest of the chunk a blocked write left, so that `framesStarted` whole frames are
    /// on the wire, waiting as long as the server takes to read them.
    mutating func finishChunk(to socket: WireSocket) throws {
        while offset < chunk.count {
            offset += try socket.trySend(chunk[offset...])
        }
    }

    private mutating func nextChunk() {
        chunk.removeAll(keepingCapacity: true)
        offset = 0
        let end = min(count, framesStarted + Self.framesPerChunk)
        while framesStarted < end {
            framesStarted += 1
            let request = #"{"jsonrpc":"2.0","id":"\#(id(framesStarted))","method":"rpc.ping"}"#
            FrameEncoder.appendFrame(Array(request.utf8), to: &chunk)
        }
    }
}
