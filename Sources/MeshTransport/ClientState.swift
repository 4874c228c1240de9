import MeshProtocol
import Synchronization

/// The loop-confined half of `RPCClient`: the connection, the calls waiting for replies and the
/// reconnect backoff.
final class ClientState: ConnectionDelegate {
    typealias Reply = CheckedContinuation<Result<JSONValue, RPCError>, Never>

    /// A request's budget: when it runs out, and how to encode the request again with what is left.
    struct Budget: Sendable {
        let deadline: ContinuousClock.Instant
        let encode: @Sendable (_ remainingMs: Int64) -> [UInt8]

        /// Encodes the request with the budget left now, for a request that waited in the queue.
        func payload() -> [UInt8] {
            encode(max(0, (deadline - .now).milliseconds))
        }
    }

    private struct Pending {
        let continuation: Reply
        let timer: TimerHeap.Token?
        let budget: Budget?
        /// The caller's lane in the queue for room in the window.
        let lane: String
    }

    private let path: String
    private let options: RPCClient.Options
    private var connection: SocketConnection?
    private var pending: [Int64: Pending] = [:]
    /// Requests written to the connection whose reply has not arrived, at most `window`, with their
    /// frames, so one the server refused for its in-flight limit can be sent again.
    private var unanswered: [Int64: [UInt8]] = [:]
    /// How many requests go out at once: `maximumInFlight`, lowered to the server's own limit once the
    /// server names a smaller one.
    private var window: Int
    /// Requests waiting for room in the window, with their encoded frames, in one lane per caller.
    private var queued = FairQueue()
    private var cancelledBeforeStart: Set<Int64> = []
    private var backoff: Duration = .zero
    private var retryAfter: ContinuousClock.Instant?
    /// The error of the last failed connect, repeated during its backoff when no retry can fix it.
    private var lastConnectError: RPCError?
    private var isShutDown = false

    /// Calls written and waiting for their reply, and calls waiting for room in the window.
    var callCounts: (sent: Int, queued: Int) {
        (unanswered.count, queued.count)
    }

    /// Counts the connections made, so callers can tell when the client connected again.
    let connectionsMade: ConnectionCounter

    init(path: String, options: RPCClient.Options, connectionsMade: ConnectionCounter = ConnectionCounter()) {
        self.path = path
        self.options = options
        self.window = max(options.maximumInFlight, 1)
        self.connectionsMade = connectionsMade
    }

    /// Sends request `id`, or queues it in `lane` while the window is full.
    func start(
        id: Int64,
        payload: [UInt8],
        budget: Budget? = nil,
        timeout: Duration?,
        lane: String = "",
        loop: EventLoop,
        continuation: Reply
    ) {
        if cancelledBeforeStart.remove(id) != nil {
            continuation.resume(returning: .failure(RPCError(.cancelled, "the call was cancelled before it was sent")))
            return
        }
        if payload.count > options.maximumRequestBytes {
            continuation.resume(returning: .failure(tooLarge(payload.count)))
            return
        }
        if pending.count >= options.maximumPending {
            continuation.resume(
                returning: .failure(
                    RPCError(
                        .resourceExhausted,
                        "\(pending.count) calls to \(peerName) are already waiting for replies in this client; retry "
                            + "later, or raise RPCClient.Options.maximumPending",
                        details: [
                            "reason": "client_pending", "limit": .int(Int64(options.maximumPending)),
                            "service": .string(peerName),
                        ],
                        retryAfterMs: 10,
                        retryable: true
                    )
                )
            )
            return
        }

        let connection: SocketConnection
        switch connected(loop: loop) {
        case .success(let open):
            connection = open
        case .failure(let error):
            continuation.resume(returning: .failure(error))
            return
        }

        var timer: TimerHeap.Token?
        if let timeout {
            timer = loop.schedule(after: timeout) { [weak self] in
                self?.expire(id: id, after: timeout)
            }
        }
        pending[id] = Pending(continuation: continuation, timer: timer, budget: budget, lane: lane)
        if unanswered.count < window {
            unanswered[id] = payload
            connection.send(payload)
        } else {
            queued.append(FairQueue.Entry(id: id, payload: payload), lane: lane)
        }
    }

    /// Sends queued requests, the lanes in turn, while the window has room. A request that was cancelled
    /// or timed out while queued is dropped without being sent.
    private func sendQueued() {
        guard let connection, !connection.isClosed else {
            return
        }
        while unanswered.count < window, let (queuedEntry, _) = queued.popNext() {
            guard let entry = pending[queuedEntry.id] else {
                continue
            }
            // A budget that ran out in the queue would only make the server reject the request.
            if let budget = entry.budget, budget.deadline <= .now {
                pending[queuedEntry.id] = nil
                if let timer = entry.timer {
                    connection.loop.cancelTimer(timer)
                }
                entry.continuation.resume(
                    returning: .failure(
                        RPCError(
                            .deadlineExceeded,
                            "the call's budget ran out while it waited in this client's queue for \(peerName), so it "
                                + "was never sent; retry with a larger timeout, or send fewer calls at once",
                            details: ["service": .string(peerName)]
                        )))
                continue
            }
            // The budget went on running while the request waited, so it goes out with what is left.
            let payload = entry.budget?.payload() ?? queuedEntry.payload
            unanswered[queuedEntry.id] = payload
            connection.send(payload)
        }
    }

    func sendWithoutReply(_ payload: [UInt8], loop: EventLoop) {
        if case .success(let connection) = connected(loop: loop) {
            connection.send(payload)
        }
    }

    func cancel(id: Int64) {
        guard let entry = pending.removeValue(forKey: id) else {
            if cancelledBeforeStart.count > 10_000 {
                cancelledBeforeStart.removeAll()
            }
            cancelledBeforeStart.insert(id)
            return
        }

        if let timer = entry.timer, let connection {
            connection.loop.cancelTimer(timer)
        }
        // A call still queued in this client never reached the server, so nothing of it can have run.
        guard unanswered[id] != nil else {
            entry.continuation.resume(
                returning: .failure(
                    RPCError(.cancelled, "the call was cancelled by the caller before it was sent, so it did not run")))
            return
        }
        sendCancel(id: id)
        entry.continuation.resume(
            returning: .failure(
                RPCError(
                    .cancelled,
                    "the call was cancelled by the caller after it was sent; a write may have committed before the "
                        + "cancel reached the server, so send a write again with the same idempotency key to learn "
                        + "its outcome (a read changed nothing)")))
    }

    func shutDown() {
        isShutDown = true
        connection?.close()
        connection = nil
    }

    private func tooLarge(_ size: Int) -> RPCError {
        RPCError(
            .invalidRequest,
            "the request is \(size) bytes, over the \(options.maximumRequestBytes)-byte frame limit for '\(peerName)', "
                + "so it was not sent; send less in one call, or raise MESH_MAX_FRAME_BYTES for the mesh and for this "
                + "client (mesh call reads it too; a Swift program sets RPCClient.Options.maximumRequestBytes)",
            details: ["size": .int(Int64(size)), "limit": .int(Int64(options.maximumRequestBytes))],
            retryable: false
        )
    }

    /// Fails call `id` with DEADLINE_EXCEEDED once its `timeout` passed. The message names the wait
    /// this client gave the call, which for `MeshClient` is the budget plus a margin for the server's reply.
    private func expire(id: Int64, after timeout: Duration) {
        guard let entry = pending.removeValue(forKey: id) else {
            return
        }
        let sent = unanswered[id] != nil
        sendCancel(id: id)
        let problem =
            sent
            ? (timeout > .zero
                ? "no reply from \(peerName) arrived within \(ClientState.milliseconds(timeout)) ms"
                : "the call's budget had run out before \(peerName) could reply")
            : "the call waited \(max(ClientState.milliseconds(timeout), 0)) ms in the queue for \(peerName) and was never sent"
        entry.continuation.resume(
            returning: .failure(
                RPCError(
                    .deadlineExceeded,
                    "\(problem); retry with a larger timeout, and the same idempotency key for a write",
                    details: ["service": .string(peerName)]
                )
            )
        )
    }

    /// Returns `duration` in whole milliseconds, at least 1 for any positive duration.
    static func milliseconds(_ duration: Duration) -> Int64 {
        let milliseconds = duration.milliseconds
        return milliseconds == 0 && duration > .zero ? 1 : milliseconds
    }

    /// The process behind the socket, `tenancy` for `.../run/tenancy.sock`. Replies that reach outside
    /// clients through the gateway name it instead of a path on this machine.
    private var peerName: String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.hasSuffix(".sock") ? String(file.dropLast(5)) : file
    }

    /// Asks the server to stop request `id` when it was sent; a queued request is simply never sent. The
    /// server still replies to a cancelled request, and that reply frees its place in the window.
    private func sendCancel(id: Int64) {
        guard unanswered[id] != nil else {
            return
        }
        let payload = RPCEnvelope.encodeRequest(id: nil, method: "rpc.cancel", params: ["id": .int(id)], meta: nil)
        connection?.send(payload)
    }

    private func connected(loop: EventLoop) -> Result<SocketConnection, RPCError> {
        if let connection, !connection.isClosed {
            guard let limit = options.replaceQuietConnectionAfter, pending.isEmpty,
                ContinuousClock.now - connection.lastActivity > limit
            else {
                return .success(connection)
            }
            // The server may be about to close this quiet connection for idleness, so a new one carries
            // the call. No call waits on the old one, and its close must not reach this client.
            connection.delegate = nil
            connection.close()
            self.connection = nil
        }
        if isShutDown {
            return .failure(RPCError(.unavailable, "the client for '\(path)' was closed", retryable: false))
        }

        // A path that can never work is the caller's mistake, and no retry fixes it.
        do {
            try UnixSocketPath.validate(path)
        } catch {
            return .failure(
                RPCError(.invalidArgument, error.message, details: ["socket": .string(path)], retryable: false))
        }

        let now = ContinuousClock.now
        if let retryAfter, now < retryAfter {
            // A failure that waiting cannot fix is repeated as it was, not turned into a retryable one.
            if let lastConnectError, !lastConnectError.retryable {
                return .failure(lastConnectError)
            }
            return .failure(unavailable(detail: "recently failed to connect", retryIn: retryAfter - now))
        }

        do {
            let open = try SocketConnection.connect(to: path, loop: loop, maximumFrameBytes: options.maximumFrameBytes)
            open.delegate = self
            connection = open
            connectionsMade.value.add(1, ordering: .releasing)
            backoff = .zero
            retryAfter = nil
            lastConnectError = nil
            return .success(open)
        } catch {
            backoff = backoff == .zero ? options.initialBackoff : min(backoff * 2, options.maximumBackoff)
            retryAfter = now + backoff
            let failure = connectError(error, retryIn: backoff)
            lastConnectError = failure
            return .failure(failure)
        }
    }

    /// Returns the error for a failed connect: UNAVAILABLE, retryable after `retryIn`, in most cases.
    /// Where waiting changes nothing, it is PERMISSION_DENIED when this user may not reach the socket, and
    /// FAILED_PRECONDITION when the path is not a socket at all.
    func connectError(_ error: TransportError, retryIn: Duration) -> RPCError {
        if error.isNotASocket {
            return RPCError(.failedPrecondition, error.message, details: ["socket": .string(path)])
        }
        guard error.isPermissionDenied else {
            return unavailable(detail: error.message, retryIn: retryIn, suggestingRetry: !error.isFolderMissing)
        }
        return RPCError(.permissionDenied, error.message, details: ["socket": .string(path)])
    }

    /// Returns UNAVAILABLE for `detail`. Without `suggestingRetry` the message leaves out the retry
    /// delay, as for a home where no mesh has run, which a mesh up may still change.
    private func unavailable(detail: String, retryIn: Duration, suggestingRetry: Bool = true) -> RPCError {
        let milliseconds = retryIn.milliseconds
        // A connect failure already names the socket, so it is not repeated.
        let message =
            !suggestingRetry
            ? detail
            : detail.contains(path)
                ? "\(detail) (retry in \(max(1, milliseconds)) ms)"
                : "service at '\(path)' is unavailable (\(detail)); retry shortly"
        return RPCError(
            .unavailable,
            message,
            details: ["socket": .string(path)],
            retryAfterMs: max(1, milliseconds)
        )
    }

    // MARK: ConnectionDelegate

    func connection(_ connection: SocketConnection, didReceive payload: UnsafeRawBufferPointer) {
        let responses: [RPCResponse]
        do {
            responses = try RPCEnvelope.decodeResponses(payload)
        } catch {
            // A reply we cannot read leaves the stream's state unknown: fail everything and reconnect.
            failAll(RPCError(.internal, "unreadable reply from '\(path)': \(error.message)"))
            connection.close()
            return
        }

        for response in responses {
            var payload: [UInt8]?
            if case .int(let id) = response.id {
                payload = unanswered.removeValue(forKey: id)
            }
            if case .int(let id) = response.id, let payload, pending[id] != nil, let limit = inFlightLimit(response) {
                // The server runs fewer requests at once than this client sends (MESH_MAX_IN_FLIGHT was
                // lowered): send at most that many from now on, and this request again when there is room.
                window = max(1, min(window, limit))
                queued.putBack(FairQueue.Entry(id: id, payload: payload), lane: pending[id]?.lane ?? "")
                continue
            }
            guard case .int(let id) = response.id, let entry = pending.removeValue(forKey: id) else {
                if response.id == nil || response.id == .null, case .failure(let error) = response.outcome {
                    // An error with no id is about the connection itself (a framing error, the
                    // connection limit): it applies to every call in flight.
                    failOversized(error)
                    failAll(connectionError(error), unsent: error)
                }
                continue
            }
            if let timer = entry.timer {
                connection.loop.cancelTimer(timer)
            }
            entry.continuation.resume(returning: response.outcome)
        }
        sendQueued()
    }

    /// Fails the call whose request the server refused for its length, when `error` names one. The
    /// server read no more than that request's length prefix, so the call was not applied, and the
    /// same request would fail the same way again.
    private func failOversized(_ error: RPCError) {
        guard let length = error.details?["length"]?.intValue, let limit = error.details?["limit"]?.intValue,
            let id = unanswered.first(where: { Int64($0.value.count) == length })?.key,
            let entry = pending.removeValue(forKey: id)
        else {
            return
        }
        unanswered[id] = nil
        if let timer = entry.timer, let connection {
            connection.loop.cancelTimer(timer)
        }
        entry.continuation.resume(
            returning: .failure(
                RPCError(
                    .invalidRequest,
                    "the request is \(length) bytes, more than the frame limit of \(limit) of '\(path)', so the server "
                        + "read none of it and nothing was applied; send less, or set MESH_MAX_FRAME_BYTES=\(limit) for "
                        + "this client too (mesh call reads it; a Swift program sets RPCClient.Options."
                        + "maximumRequestBytes), which refuses such a request before sending it",
                    details: ["length": .int(length), "limit": .int(limit)],
                    retryable: false
                )))
    }

    /// Returns what a call already sent gets when the server ends the connection with `error`. A bad
    /// length prefix stops the server after it read the frames before it, so those calls may have been
    /// applied, and they get a retryable UNAVAILABLE rather than the framing error. A refusal at
    /// connect time (connection limit, untrusted uid) came before any request was read.
    private func connectionError(_ error: RPCError) -> RPCError {
        guard error.status == .invalidRequest else {
            return error
        }
        return RPCError(
            .unavailable,
            "the server closed the connection to '\(path)' (\(error.message)) before the reply arrived; the request "
                + "may or may not have been applied, so retry a write with the same idempotency key",
            details: ["cause": .string(error.status.name)],
            retryable: true
        )
    }

    /// Returns the server's in-flight limit when `response` refuses a request for it, else nil. The server
    /// refused such a request before running it, so sending it again is safe.
    private func inFlightLimit(_ response: RPCResponse) -> Int? {
        guard case .failure(let error) = response.outcome, error.status == .resourceExhausted,
            error.details?["reason"]?.stringValue == "in_flight", let limit = error.details?["limit"]?.intValue
        else {
            return nil
        }
        return Int(limit)
    }

    func connection(_ connection: SocketConnection, didFailFraming error: FrameError) {
        failAll(RPCError(.internal, "bad frame from '\(path)': \(error)"))
        connection.close()
    }

    func connectionDidClose(_ connection: SocketConnection) {
        if self.connection === connection {
            self.connection = nil
        }

        // The process is named, not the socket path, since the gateway passes this error on to its clients.
        let reason = isShutDown ? "the client for \(peerName) was closed" : "the connection to \(peerName) closed"
        failAll(
            RPCError(
                .unavailable,
                "\(reason) before the reply arrived; the request may or may not have been applied, so retry a write "
                    + "with the same idempotency key",
                details: ["service": .string(peerName)],
                retryable: !isShutDown
            ),
            unsent: RPCError(
                .unavailable,
                "\(reason) before the call was sent, so it was not applied",
                details: ["service": .string(peerName)],
                retryable: !isShutDown
            )
        )
    }

    /// Fails every pending call: those sent with `error`, those still queued in this client with
    /// `unsent` (by default `error` too).
    private func failAll(_ error: RPCError, unsent: RPCError? = nil) {
        let entries = pending
        let sent = unanswered
        pending.removeAll()
        unanswered.removeAll()
        queued.removeAll()
        for (id, entry) in entries {
            if let timer = entry.timer, let connection {
                connection.loop.cancelTimer(timer)
            }
            let outcome = sent[id] == nil ? (unsent ?? error) : error
            entry.continuation.resume(returning: .failure(outcome))
        }
    }
}

/// The number of connections a client has made, readable from any thread.
final class ConnectionCounter: Sendable {
    let value = Atomic<Int>(0)
}
