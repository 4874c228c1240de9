import MeshProtocol
import MeshStore
import MeshTransport

extension RPCServer {
    /// Handles one request. `reply` gets the encoded response, or nil for a notification. It is called
    /// exactly once, on the loop thread.
    func handle(_ request: RPCRequest, on connection: SocketConnection, reply: @escaping ([UInt8]?) -> Void) {
        let respond: (Result<JSONValue, RPCError>) -> Void = { outcome in
            guard let id = request.id else {
                reply(nil)
                return
            }
            let encoded: [UInt8]
            switch outcome {
            case .success(let value):
                encoded = RPCEnvelope.encodeResult(id: id, result: value)
            case .failure(let error):
                encoded = RPCEnvelope.encodeError(id: id, error: error)
            }
            reply(self.fitToFrame(encoded, id: id, method: request.method))
        }

        switch request.method {
        case "rpc.ping" where request.params == nil || request.params == .object([:]):
            respond(.success("pong"))
            return
        case "rpc.cancel":
            respond(cancel(request, on: connection))
            return
        default:
            break
        }

        guard let requests = connection.context as? ConnectionRequests else {
            respond(.failure(RPCError(.unavailable, "the connection is closing")))
            return
        }
        guard requests.count < configuration.maximumInFlight else {
            // A notification has no reply to carry the refusal, so it waits for a free slot instead.
            if request.id == nil {
                requests.waitingNotifications.append(
                    ConnectionRequests.HeldNotification(request: request, reply: reply))
                connection.holdReading()
                return
            }
            respond(
                .failure(
                    RPCError(
                        .resourceExhausted,
                        "\(requests.count) requests are already in flight on this connection (limit \(configuration.maximumInFlight)); wait for replies or open another connection",
                        details: ["reason": "in_flight", "limit": .int(Int64(configuration.maximumInFlight))],
                        retryAfterMs: 10,
                        retryable: true
                    )
                )
            )
            return
        }
        // A spent budget is rejected before the method is looked up, in the order the spec gives, so the
        // gateway and a service return the same error for the same request.
        let budget = request.meta.timeoutMs.map { Duration.milliseconds($0) } ?? configuration.defaultTimeout
        if let budget, budget <= .zero {
            let sentZero = request.meta.timeoutMs == 0
            respond(
                .failure(deadlineExceeded(request.method, budgetSent: request.meta.timeoutMs != nil, zero: sentZero)))
            return
        }
        guard let entry = methods[request.method] ?? builtInEntry(request.method) ?? fallbackEntry(request.method)
        else {
            let hint = NameSuggestion.hint(
                for: request.method, among: methods.descriptors.map(\.name) + Self.builtInMethodNames)
            respond(
                .failure(
                    RPCError(
                        .methodNotFound,
                        "method '\(request.method.clipped)' does not exist on \(configuration.processName)\(hint); "
                            + "rpc.describe lists the methods",
                        details: ["method": .string(request.method.clipped)]
                    )
                )
            )
            return
        }

        let deadline = budget.map { ContinuousClock.now + $0 }

        run(entry, request, deadline: deadline, on: connection, requests: requests, respond: respond)
    }

    private func run(
        _ entry: MethodEntry,
        _ request: RPCRequest,
        deadline: ContinuousClock.Instant?,
        on connection: SocketConnection,
        requests: ConnectionRequests,
        respond: @escaping (Result<JSONValue, RPCError>) -> Void
    ) {
        let loop = connection.loop
        let sequence = requests.add(clientID: request.id, respond: respond)
        connection.inFlightCount += 1

        // Exactly one of completion, deadline and cancellation removes the entry and sends the response.
        let confined = LoopConfined((connection: WeakConnection(connection), requests: requests))
        let finish: @Sendable (Result<JSONValue, RPCError>) -> Void = { outcome in
            loop.execute {
                let (weakConnection, requests) = confined.value
                guard let connection = weakConnection.connection, let removed = requests.remove(sequence) else {
                    return
                }
                connection.inFlightCount -= 1
                if let timer = removed.timer {
                    loop.cancelTimer(timer)
                }
                removed.respond(outcome)
                self.startHeldNotifications(on: connection, requests: requests)
            }
        }

        let context = MethodContext(
            method: request.method,
            requestID: request.id,
            meta: request.meta,
            caller: configuration.trustsCaller ? Caller(json: request.meta.caller) : nil,
            deadline: deadline,
            logger: logger,
            clock: clock,
            peers: peers
        )
        let handler = entry.handler
        let params = request.params
        let method = request.method
        let configuration = configuration
        // Checked once here, so a process at the usual level pays nothing for the line.
        let logsEachCall = logger.level <= .debug
        let started = ContinuousClock.now
        // The handler runs on the loop thread: its awaits on other processes and its reply need no
        // thread hops. Blocking work (SQLite) runs on the store's own threads.
        let task = Task(executorPreference: loop) {
            let outcome: Result<JSONValue, RPCError>
            do {
                outcome = .success(try await handler(params, context))
            } catch {
                outcome = .failure(
                    RPCServer.wireError(error, method: method, configuration: configuration, logger: context.logger))
            }
            if logsEachCall {
                let status: String
                switch outcome {
                case .success: status = "OK"
                case .failure(let error): status = error.status.name
                }
                let microseconds = Int64((ContinuousClock.now - started) / .microseconds(1))
                context.logger.debug("request.finished", ["status": status, "us": "\(microseconds)"])
            }
            finish(outcome)
        }

        var timer: TimerHeap.Token?
        if let deadline {
            // The error is built only when the timer fires: most requests finish in time, and its text
            // would cost every one of them.
            let budgetSent = request.meta.timeoutMs != nil
            timer = loop.schedule(after: deadline - .now) { [self] in
                task.cancel()
                finish(.failure(deadlineExceeded(method, budgetSent: budgetSent)))
            }
        }
        requests.update(sequence) { pending in
            pending.task = task
            pending.timer = timer
        }
    }

    /// Starts the notifications held back by the in-flight limit while slots are free, and reads the
    /// connection again once none is left.
    private func startHeldNotifications(on connection: SocketConnection, requests: ConnectionRequests) {
        // Nearly every finished request meets an empty queue and a connection that reads.
        guard !requests.waitingNotifications.isEmpty || connection.isHeld else {
            return
        }

        while !requests.waitingNotifications.isEmpty && requests.count < configuration.maximumInFlight {
            let next = requests.waitingNotifications.removeFirst()
            handle(next.request, on: connection, reply: next.reply)
        }
        if requests.waitingNotifications.isEmpty {
            connection.releaseReading()
        }
    }

    /// Returns `encoded`, or an error reply in its place when it is larger than the frame limit. Sent as
    /// is, a frame that large would make the client close the whole connection, failing every other
    /// request on it, and the gateway carries many clients' requests on one connection.
    func fitToFrame(_ encoded: [UInt8], id: RPCID?, method: String) -> [UInt8] {
        let limit = configuration.limits.maximumFrameBytes
        guard encoded.count > limit else {
            return encoded
        }

        logger.notice("reply.too_large", ["method": method, "bytes": "\(encoded.count)", "limit": "\(limit)"])
        let raise = "raise MESH_MAX_FRAME_BYTES for the mesh and its clients"
        let remedy: String
        if method == "rpc.describe" {
            remedy =
                "ask for less (params {\"schemas\": false} leave the schemas out, and mesh describe PROCESS shows "
                + "one process) or \(raise)"
        } else if method.hasSuffix(".export") {
            remedy = "an export comes whole, so \(raise)"
        } else {
            remedy = "ask for less (a smaller page, where the method pages) or \(raise)"
        }
        let error = RPCError(
            .resourceExhausted,
            "the reply to \(method.clipped) is \(encoded.count) bytes, more than the frame limit of \(limit); \(remedy)",
            details: ["limit": .int(Int64(limit)), "size": .int(Int64(encoded.count))],
            retryable: false
        )
        return RPCEnvelope.encodeError(id: id, error: error)
    }

    /// Encodes a batch's replies as one frame. When they come to more than the frame limit together,
    /// the largest are replaced by RESOURCE_EXHAUSTED errors, one at a time, until the frame fits, so the
    /// other members keep their results.
    func fitBatch(_ replies: [BatchCollector.Reply]) -> [UInt8] {
        let limit = configuration.limits.maximumFrameBytes
        var replies = replies
        var total = replies.reduce(1) { $0 + $1.bytes.count + 1 }
        let original = total
        var replaced = Set<Int>()

        while total > limit,
            let largest = replies.indices.filter({ !replaced.contains($0) }).max(by: {
                replies[$0].bytes.count < replies[$1].bytes.count
            })
        {
            let size = replies[largest].bytes.count
            let error = RPCError(
                .resourceExhausted,
                "the replies to this batch come to \(original) bytes, more than the frame limit of \(limit), and "
                    + "this member's reply of \(size) bytes was left out; send it in a smaller batch or alone, or ask for less",
                details: ["limit": .int(Int64(limit)), "size": .int(Int64(size))],
                retryable: false
            )
            let bytes = RPCEnvelope.encodeError(id: replies[largest].id, error: error)
            total += bytes.count - size
            replies[largest].bytes = bytes
            replaced.insert(largest)
        }

        if !replaced.isEmpty {
            logger.notice(
                "batch.too_large", ["bytes": "\(original)", "limit": "\(limit)", "replaced": "\(replaced.count)"])
        }
        guard total <= limit else {
            let error = RPCError(
                .resourceExhausted,
                "even as errors, the \(replies.count) replies to this batch exceed the frame limit of \(limit) bytes; "
                    + "send fewer members per batch, or shorter ids",
                details: ["limit": .int(Int64(limit))],
                retryable: false
            )
            return RPCEnvelope.encodeError(id: nil, error: error)
        }
        return RPCEnvelope.encodeBatch(replies.map(\.bytes))
    }

    private func cancel(_ request: RPCRequest, on connection: SocketConnection) -> Result<JSONValue, RPCError> {
        // Like any integer param, the id may be a whole number written with a fraction (7.0).
        let target = request.params?["id"].map { $0.intValue.map(JSONValue.int) ?? $0 }
        guard let target, let id = RPCID(json: target), id != .null else {
            let received = request.params?["id"].map { ", not \($0.notIntegerText)" } ?? ""
            return .failure(
                RPCError(
                    .invalidArgument,
                    "rpc.cancel needs params {\"id\": <id of the request to cancel>}, a string or an integer\(received)",
                    details: ["field": "id"])
            )
        }
        if let extra = request.params?.objectValue?.keys.first(where: { $0 != "id" }) {
            return .failure(
                RPCError(
                    .invalidArgument, "params.\(extra.clipped) is not a parameter of rpc.cancel; it takes only id",
                    details: ["field": .string(extra.clipped)])
            )
        }
        guard let requests = connection.context as? ConnectionRequests,
            let sequence = requests.sequence(forClientID: id),
            let entry = requests.remove(sequence)
        else {
            return .success(["cancelled": false])
        }

        connection.inFlightCount -= 1
        entry.task?.cancel()
        if let timer = entry.timer {
            connection.loop.cancelTimer(timer)
        }
        // The cancelled request still gets a response, so a batch it belongs to completes.
        entry.respond(
            .failure(
                RPCError(
                    .cancelled,
                    "request \(id.description.clipped) was cancelled by rpc.cancel; a write may have committed before "
                        + "the cancel reached it, so send a write again with the same idempotency key to learn its outcome"
                )))
        logger.debug("request.cancelled", ["id": id.description])
        startHeldNotifications(on: connection, requests: requests)
        return .success(["cancelled": true])
    }

    /// Returns the DEADLINE_EXCEEDED for `method`, naming the process's default budget when the
    /// request sent no `meta.timeout_ms`, and saying that the request did not run when it sent 0.
    func deadlineExceeded(_ method: String, budgetSent: Bool, zero: Bool = false) -> RPCError {
        if zero {
            return RPCError(
                .deadlineExceeded,
                "\(method.clipped) arrived with meta.timeout_ms 0, no time left to run it, so it did not run; send a "
                    + "larger meta.timeout_ms, or leave it out for the default")
        }
        guard !budgetSent, let fallback = configuration.defaultTimeout else {
            return RPCError(
                .deadlineExceeded,
                "\(method) did not finish within its deadline (meta.timeout_ms); retry with a larger budget")
        }
        return RPCError(
            .deadlineExceeded,
            "\(method) did not finish within \(fallback.milliseconds) ms, the default budget of the "
                + "\(configuration.processName) for calls without meta.timeout_ms; send a larger meta.timeout_ms")
    }

    /// Maps any error a handler threw to the wire error, logging the unexpected ones.
    ///
    /// Describes a failure of the database's files or disk in words that name the file, and keeps the
    /// SQL for the process log.
    static func wireError(_ error: any Error, method: String, configuration: Configuration, logger: Logger)
        -> RPCError
    {
        switch error {
        case let rpc as RPCError:
            if rpc.status == .internal {
                logger.error("request.failed", ["error": rpc.message])
            }
            return rpc
        case let store as StoreError where store.isInterrupted:
            return RPCError(.deadlineExceeded, "\(method) was interrupted: its deadline passed during a database query")
        case is CancellationError:
            return RPCError(.cancelled, "\(method) was cancelled")
        case let store as StoreError:
            logger.error("request.store_failed", ["error": store.description])
            if let condition = StorageCondition(store) {
                let process = configuration.processName
                return condition.clientError(
                    method: method, process: process, file: MeshHome.databaseName(process), error: store)
            }
            return RPCError(
                .internal, "\(method) failed in storage (SQLite result code \(store.resultCode)); see the process log")
        default:
            logger.error("request.failed", ["error": String(describing: error)])
            return RPCError(.internal, "\(method) failed unexpectedly: \(error)")
        }
    }

    private func fallbackEntry(_ method: String) -> MethodEntry? {
        guard let fallback, !method.hasPrefix("rpc.") else {
            return nil
        }
        return MethodEntry(
            descriptor: MethodDescriptor(
                name: method, summary: "", scope: .company, paramsSchema: [:], resultSchema: [:]),
            handler: fallback
        )
    }
}

/// A weak reference to a connection, so a finished task does not keep a closed connection alive.
final class WeakConnection {
    weak var connection: SocketConnection?

    init(_ connection: SocketConnection) {
        self.connection = connection
    }
}
