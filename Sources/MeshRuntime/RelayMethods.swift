import MeshProtocol

/// Params of `relay.pause`.
public struct RelayPauseParams: Codable, Sendable {
    /// How long deliveries stay held unless `relay.resume` ends the pause first, 1 to 600,000 ms.
    public var leaseMs: Int

    public init(leaseMs: Int) {
        self.leaseMs = leaseMs
    }

    enum CodingKeys: String, CodingKey {
        case leaseMs = "lease_ms"
    }

    static let maximumLeaseMs = 600_000
}

/// The reply of `relay.pause` and `relay.resume`.
public struct RelayPauseResult: Codable, Sendable {
    public var paused: Bool
    /// The pause's id: the same for every `relay.pause` that renews it before its lease runs out, and
    /// new once deliveries went on in between (the lease ran out, or the process restarted).
    public var pauseID: String?

    enum CodingKeys: String, CodingKey {
        case paused
        case pauseID = "pause_id"
    }
}

/// `relay.pause` and `relay.resume`, on each process that publishes events. `mesh backup` pauses every
/// relay while it copies the databases, so no event is half delivered in the copies: a subscriber's
/// copy has applied exactly the events that the publisher's copy records as delivered to it.
enum RelayMethods {
    /// The maximum time a pause waits for a delivery under way to finish (its reply wait is 10 s).
    static let settleTimeout: Duration = .seconds(12)

    static func register(
        into methods: inout MethodTable,
        relay: EventRelay,
        process: String,
        scope: MethodScope,
        requireOperator: @escaping @Sendable (MethodContext) throws -> Void
    ) {
        methods.register(
            "relay.pause",
            summary:
                "Holds event deliveries for lease_ms, after the ones under way finish, so mesh backup copies a consistent mesh; a call before the lease ends renews it.",
            scope: scope
        ) { (params: RelayPauseParams, context) -> RelayPauseResult in
            try requireOperator(context)
            guard (1...RelayPauseParams.maximumLeaseMs).contains(params.leaseMs) else {
                throw RPCError.invalidArgument(
                    field: "lease_ms",
                    "lease_ms must be 1 to \(RelayPauseParams.maximumLeaseMs) (ten minutes), not \(params.leaseMs)")
            }

            let settleBy = min(context.deadline ?? .now + settleTimeout, .now + settleTimeout)
            guard let pauseID = await relay.pauseDeliveries(for: .milliseconds(params.leaseMs), deadline: settleBy)
            else {
                throw RPCError(
                    .unavailable,
                    "a delivery of \(process)'s events was still waiting for its subscriber's reply, so nothing "
                        + "was paused; try again",
                    retryAfterMs: 1_000,
                    retryable: true
                )
            }
            context.logger.info("relay.paused", ["pause_id": pauseID, "lease_ms": "\(params.leaseMs)"])
            return RelayPauseResult(paused: true, pauseID: pauseID)
        }

        methods.register(
            "relay.resume",
            summary: "Ends a relay.pause before its lease runs out, so held events go out at once.",
            scope: scope
        ) { (_: NoParams, context) -> RelayPauseResult in
            try requireOperator(context)
            relay.resumeDeliveries()
            context.logger.info("relay.resumed")
            return RelayPauseResult(paused: false, pauseID: nil)
        }
    }
}
