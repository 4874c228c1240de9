/// The limits a server enforces on each connection and on the process as a whole.
public struct ServerLimits: Sendable, Hashable {
    public var maximumFrameBytes = 1 << 20
    public var maximumConnections = 1024
    /// Outbound bytes queued for one connection past which the server stops reading from it.
    public var maximumOutboundBytes = 8 << 20
    /// A connection holding part of a frame with no new bytes for this long is closed.
    public var partialFrameTimeout: Duration = .seconds(10)
    /// A connection with nothing in flight and no traffic for this long is closed.
    public var idleTimeout: Duration = .seconds(300)

    public init() {}
}
