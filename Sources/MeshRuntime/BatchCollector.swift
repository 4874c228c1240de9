import MeshProtocol

/// Gathers the replies of one batch and hands them over together once every member has its reply.
final class BatchCollector {
    /// One member's encoded response and the request id it carries.
    struct Reply {
        let id: RPCID?
        var bytes: [UInt8]
    }

    private var slots: [Reply?]
    private var remaining: Int
    private let send: ([Reply]) -> Void

    init(count: Int, send: @escaping ([Reply]) -> Void) {
        self.slots = Array(repeating: nil, count: count)
        self.remaining = count
        self.send = send
    }

    /// Records the reply for member `index`; nil for a notification, which gets none.
    func fill(_ index: Int, _ reply: Reply?) {
        slots[index] = reply
        remaining -= 1
        if remaining == 0 {
            send(slots.compactMap { $0 })
        }
    }
}
