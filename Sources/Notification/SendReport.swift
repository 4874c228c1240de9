/// Counts from one pass of a message sender.
public struct SendReport: Sendable, Hashable {
    public var attempted = 0
    public var delivered = 0
    /// Attempts that failed and have another one scheduled.
    public var failed = 0
    /// Messages that ran out of attempts and are now dead.
    public var deadLettered = 0

    public init() {}
}
